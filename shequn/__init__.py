"""Shequn (社群): a platform-agnostic core for community bots.

Plugins and adapters import from here only; the implementation lives in
``shequn.internal`` and may change between versions.
"""

from shequn.internal.adapter import Adapter, Capabilities, NotSupported
from shequn.internal.app import App
from shequn.internal.arguments import UsageError
from shequn.internal.clock import Clock, SimulatedClock, SystemClock, parse_delta, parse_duration
from shequn.internal.config import Settings, adapter_settings, load_settings
from shequn.internal.context import (
    Context,
    JobContext,
    StopPropagation,
    scene_from_dict,
    scene_to_dict,
)
from shequn.internal.event import (
    ButtonPressed,
    Event,
    JoinRequested,
    MemberJoined,
    MemberLeft,
    MemberMuted,
    MessageEvent,
    Quoted,
    Scene,
    SceneKind,
    User,
)
from shequn.internal.filters import Filter
from shequn.internal.groups import KnownGroup
from shequn.internal.i18n import TranslatableError, coded, format_duration
from shequn.internal.ledger import Outcome, Posting
from shequn.internal.message import (
    Button,
    Buttons,
    Image,
    Mention,
    Message,
    Reply,
    Segment,
    Text,
    well_formed,
    without_leading_mention,
)
from shequn.internal.outbound import Pace
from shequn.internal.pace import RealTimer, Timer, Window
from shequn.internal.permission import Level
from shequn.internal.plugin import Plugin
from shequn.internal.storage.database import Database

__version__ = "0.1.0"

__all__ = [
    "Adapter",
    "App",
    "Button",
    "ButtonPressed",
    "Buttons",
    "Capabilities",
    "Clock",
    "Context",
    "Database",
    "Event",
    "Filter",
    "Image",
    "JobContext",
    "JoinRequested",
    "KnownGroup",
    "Level",
    "MemberJoined",
    "MemberLeft",
    "MemberMuted",
    "Mention",
    "Message",
    "MessageEvent",
    "NotSupported",
    "Outcome",
    "Pace",
    "Plugin",
    "Posting",
    "Quoted",
    "RealTimer",
    "Reply",
    "Scene",
    "SceneKind",
    "Segment",
    "Settings",
    "SimulatedClock",
    "StopPropagation",
    "SystemClock",
    "Text",
    "Timer",
    "TranslatableError",
    "UsageError",
    "User",
    "Window",
    "adapter_settings",
    "coded",
    "format_duration",
    "load_settings",
    "parse_delta",
    "parse_duration",
    "scene_from_dict",
    "scene_to_dict",
    "well_formed",
    "without_leading_mention",
]
