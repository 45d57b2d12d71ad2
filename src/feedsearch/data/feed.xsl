<?xml version="1.0" encoding="UTF-8"?>
<!-- Shows an RSS or Atom feed opened in a browser as a readable page. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom">
  <xsl:output method="html" encoding="UTF-8" indent="yes"/>
  <xsl:template match="/">
    <html lang="en">
      <head>
        <meta charset="utf-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="rss/channel/title | atom:feed/atom:title"/> (feed)</title>
        <style>
          body { font: 1.05rem/1.6 Georgia, serif; max-width: 40rem; margin: 2rem auto;
                 padding: 0 1rem; color: #222; background: #fffdf8; }
          .about { background: #f1ece1; padding: 0.8rem 1rem; border-radius: 6px;
                   font-family: system-ui, sans-serif; font-size: 0.9rem; }
          h1 { margin-bottom: 0.2rem; }
          li { margin: 1.2rem 0; list-style: none; }
          time { color: #666; font-size: 0.9rem; font-family: system-ui, sans-serif; }
          ul { padding: 0; }
          a { color: #7a3b12; }
        </style>
      </head>
      <body>
        <p class="about">This is a web feed. Copy its address into a feed reader to follow
          new essays as they are published.</p>
        <xsl:apply-templates select="rss/channel | atom:feed"/>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="channel">
    <h1><a href="{link}"><xsl:value-of select="title"/></a></h1>
    <p><xsl:value-of select="description"/></p>
    <ul>
      <xsl:for-each select="item">
        <li>
          <a href="{link}"><strong><xsl:value-of select="title"/></strong></a><br/>
          <time><xsl:value-of select="substring(pubDate, 6, 11)"/></time>
          <p><xsl:value-of select="description"/></p>
        </li>
      </xsl:for-each>
    </ul>
  </xsl:template>

  <xsl:template match="atom:feed">
    <h1><a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a></h1>
    <p><xsl:value-of select="atom:subtitle"/></p>
    <ul>
      <xsl:for-each select="atom:entry">
        <li>
          <a href="{atom:link/@href}"><strong><xsl:value-of select="atom:title"/></strong></a><br/>
          <time><xsl:value-of select="substring(atom:published, 1, 10)"/></time>
          <p><xsl:value-of select="atom:summary"/></p>
        </li>
      </xsl:for-each>
    </ul>
  </xsl:template>
</xsl:stylesheet>
