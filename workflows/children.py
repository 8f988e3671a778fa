"""How a child is described without identifying them, shared by every process that names
children (a child death, a serious incident): a pseudonym and an age band, never a date of
birth. One list, so a death and an incident about the same child are banded alike."""

from __future__ import annotations

AGE_BANDS = ("0-27d", "28-364d", "1-4y", "5-9y", "10-14y", "15-17y")
