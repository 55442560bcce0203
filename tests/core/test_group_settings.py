"""Per-group config validated by the plugin's model, persisted across restarts."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from shequn import Context, Plugin
from shequn.testing import Harness


class GreeterConfig(BaseModel):
    greeting: str = "hello"
    times: int = Field(default=1, ge=1, le=5)
    loud: bool = False


greeter = Plugin("greeter", title="Greeter", config=GreeterConfig)


@greeter.command("greet")
async def greet(ctx: Context) -> None:
    config = ctx.config(GreeterConfig)
    text = " ".join([config.greeting] * config.times)
    await ctx.reply(text.upper() if config.loud else text)


async def test_config_set_validate_reset_and_persist(make_bot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "settings.db"
    bot: Harness = await make_bot(greeter, database=db)
    bot.make_admin("alice")
    assert await bot.say("/greet") == "hello"
    assert "needs admin rights" in await bot.say("/config greeter times 2", user="bob")
    assert "now 2" in await bot.say("/config greeter times 2")
    assert "not valid for times" in await bot.say("/config greeter times 9")
    assert "not valid for times" in await bot.say("/config greeter times many")
    assert "No setting" in await bot.say("/config greeter volume 3")
    assert "now 'hi there'" in await bot.say("/config greeter greeting hi there")
    assert "now '123'" in await bot.say("/config greeter greeting 123")
    assert (await bot.say("/config greeter loud yes")).endswith("True in this group.")
    assert await bot.say("/greet") == "123 123".upper()
    assert await bot.say("/greet", group="other") == "hello"
    listing = await bot.say("/config greeter")
    assert "times = 2 *" in listing and "loud = True *" in listing
    await bot.close()

    again: Harness = await make_bot(greeter, database=db)
    assert await again.say("/greet") == "123 123"
    again.make_admin("alice")
    await again.say("/config greeter loud reset")
    await again.say("/config greeter greeting reset")
    assert await again.say("/greet") == "hello hello"


async def test_file_defaults_apply_to_every_group(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot(greeter, plugin_defaults={"greeter": {"greeting": "你好"}})
    assert await bot.say("/greet") == "你好"


async def test_group_locale(make_bot) -> None:  # type: ignore[no-untyped-def]
    bot: Harness = await make_bot(greeter)
    bot.make_admin("alice")
    assert "not valid for locale" in await bot.say("/config core locale fr")
    await bot.say("/config core locale zh-CN")
    assert "命令列表" in await bot.say("/help")
    assert "Commands" in await bot.say("/help", group="other")
    assert "不是 timezone 的有效值" in await bot.say("/config core timezone Mars/Base")
