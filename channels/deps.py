"""Shared FastAPI dependencies as Annotated aliases, so routes declare what they need in one word."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from jinja2 import Environment

from channels.conversation import Conversations
from channels.rasa_client import RasaClient
from channels.settings import Settings
from channels.staff.auth import StaffIdentity, api_staff, console_staff
from channels.store.db import Database


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    return request.app.state.settings


def get_db(request: Request) -> Database:
    """The app's database."""
    return request.app.state.db


def get_rasa(request: Request) -> RasaClient:
    """The shared Rasa client."""
    return request.app.state.rasa


def get_conversations(request: Request) -> Conversations:
    """The shared conversation runner (also used by channels/line/)."""
    return request.app.state.conversations


def get_templates(request: Request) -> Environment:
    """The Jinja2 environment (autoescape on)."""
    return request.app.state.templates


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_db)]
RasaDep = Annotated[RasaClient, Depends(get_rasa)]
ConversationsDep = Annotated[Conversations, Depends(get_conversations)]
TemplatesDep = Annotated[Environment, Depends(get_templates)]


async def _api_staff(request: Request, settings: SettingsDep, db: DatabaseDep) -> StaffIdentity:
    return await api_staff(request, settings, db)


async def _console_staff(request: Request, settings: SettingsDep, db: DatabaseDep) -> StaffIdentity:
    return await console_staff(request, settings, db)


ApiStaffDep = Annotated[StaffIdentity, Depends(_api_staff)]
ConsoleStaffDep = Annotated[StaffIdentity, Depends(_console_staff)]
