"""How a child is described without identifying them, shared by every process that names
children (a child death, a serious incident): a pseudonym and an age band, never a date of
birth. One list, so a death and an incident about the same child are banded alike."""

from __future__ import annotations

AGE_BANDS = ("0-27d", "28-364d", "1-4y", "5-9y", "10-14y", "15-17y")


def nhs_number_problem(digits: str) -> str | None:
    """Why `digits` is not an NHS number (ten digits, the last a modulus 11 check digit over
    the first nine weighted 10 down to 2), or None. Never repeats the number it refuses."""
    if len(digits) != 10 or not digits.isdigit():
        return "an NHS number is ten digits"
    check = 11 - sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    check = 0 if check == 11 else check
    if check == 10 or check != int(digits[9]):
        return "that is not a valid NHS number (its check digit does not match)"
    return None
