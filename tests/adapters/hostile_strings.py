"""Text a member may type (a name, a note, a quote, a poll option) meant to become more than
text in the bot's messages on some platform: markdown, a link that hides its target, a
mention of everyone, a CQ code, HTML. Every exporter is tested against this one table."""

from __future__ import annotations

HOSTILE: dict[str, str] = {
    # Discord markdown: masked links, which show one text and open another address.
    "masked link": "[Claim your prize](https://evil.example)",
    "masked link after brackets": "[a] [Claim](https://evil.example)",
    "masked link, nested brackets": "[[x]](https://evil.example) [a[b]c](https://evil.example)",
    "masked link, angle target": "[Claim](<https://evil.example>)",
    "masked link in an address": "https://ok.example/[Claim](https://evil.example)",
    "masked link after an address": "https://ok.example [Claim](https://evil.example)",
    "escaped masked link": "\\[Claim](https://evil.example) \\\\[Claim](https://evil.example)",
    "image link": "![x](https://evil.example/a.png)",
    # Discord mentions and other <...> forms.
    "everyone": "@everyone @here",
    "user mention": "<@123456789012345678> <@!123456789012345678>",
    "role mention": "<@&123456789012345678>",
    "channel": "<#123456789012345678>",
    "timestamp": "<t:0:R> <t:99999999999:F>",
    "custom emoji": "<:pog:123456789012345678> <a:spin:123456789012345678>",
    "command mention": "</ban:123456789012345678>",
    "address then mention": "https://ok.example<@123456789012345678>",
    "address then timestamp": "see https://ok.example).<t:0:R>",
    "autolink": "<https://evil.example>",
    # Discord formatting.
    "spoiler": "||spoiler||",
    "bold": "**bold** __underline__ *italic* _italic_ ~~strike~~",
    "code": "`code` and ``double``",
    "code block": "```py\nprint('x')\n```",
    "quote": "> quote\n>>> block quote",
    "header": "# header\n## second\n### third",
    "subtext": "-# small print",
    "lists": "- item\n* item\n+ item\n1. first\n  2. indented",
    "formatting at a carriage return": "ok\r# header\r- item\r> quote",
    "backslashes": "\\*not escaped*\\ \\\\**bold**",
    "emoji shortcode": ":smile: a:https://ok.example/*x*",
    # Invisible characters that might hide or reorder the above.
    "zero-width joiners": "[\u200dClaim\u200d](https://evil.example) @\u200deveryone 👨\u200d👧",
    "right-to-left override": "\u202eelpmaxe.live\u202c [\u202eClaim](https://evil.example)",
    "byte order mark": "https://ok.example\ufeff*bold* \ufeff[a](https://evil.example)",
    "form feed": "h\fttps://ok.example/*x* \f[Claim](https://evil.example)",
    # OneBot v11 CQ codes and their escapes.
    "CQ at all": "[CQ:at,qq=all]",
    "CQ image": "[CQ:image,file=http://x]",
    "CQ escapes": "&#91;CQ:at,qq=all&#93; &amp; &#44;",
    # HTML, for platforms or bridges that render it.
    "HTML link": '<a href="https://evil.example">Claim</a>',
    "HTML bold": "<b>bold</b> <i>i</i> <script>x</script>",
    # Sizes and odd code points.
    "newlines": "line one\n\n\nline four\r\n",
    "long": "[Claim](https://evil.example) *" + "x" * 4990 + "* ||end||",
    "long address": "https://ok.example/" + "*[a](https://evil.example)" * 120,
    "lone surrogates": "a\ud800b\udfffc",
}
"""Name -> the string (names become test ids)."""
