"""Run the bot: ``python bot.py [--config PATH]``.

With no platform configured, this is the console: type to the bot here, or pipe a script in
(``printf '/signin\n' | python bot.py``).
"""

from shequn.internal.runtime import main

if __name__ == "__main__":
    raise SystemExit(main())
