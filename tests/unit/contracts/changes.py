"""What a check-character code must refuse: every single-character change of a valid one."""

from collections.abc import Callable

from contracts import InvalidCodeError


def accepted_changes(code: str, alphabet: str, parse: Callable[[str], object]) -> list[str]:
    """The codes one symbol of `alphabet` away from `code` that `parse` accepts (none, for a
    check character that catches every single substitution)."""
    accepted = []
    for position, original in enumerate(code):
        for symbol in alphabet:
            if symbol == original:
                continue
            changed = code[:position] + symbol + code[position + 1 :]
            try:
                parse(changed)
            except InvalidCodeError:
                continue
            accepted.append(changed)
    return accepted
