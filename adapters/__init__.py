"""Platform adapters, one package each: ``console``, and later ``telegram``, ``discord``,
``qq``, ``wechat``.

The runtime imports ``adapters.<name>`` only when that adapter is selected or when it looks
for configured platforms, so a package's ``__init__`` must stay light: it must not import its
platform library (aiogram, discord.py, nonebot) at module level, only inside ``create``.
Each package exposes:

``create(app) -> Adapter``
    Build the adapter for ``app`` (called once, before the app starts).
``configured(settings) -> bool``
    Whether the settings hold what the adapter needs (its ``[name]`` section or its
    ``SHEQUN_<NAME>__*`` variables). Without it the runtime checks for exactly that.
``simulated_clock: bool`` (optional, default False)
    True when the adapter moves the clock itself (the console's ``:clock``); the runtime
    then gives the app a :class:`shequn.SimulatedClock`.

Inside a package, ``builder.py`` turns platform payloads into segments and events,
``exporter.py`` turns segments into platform payloads and ``adapter.py`` holds the
:class:`shequn.Adapter` subclass.
"""
