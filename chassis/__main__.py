"""`python -m chassis token ...`: mint a demo access token signed with the development key."""

from __future__ import annotations

import argparse
from datetime import timedelta

from chassis.auth import DEV_KEY_ID, PARTNER_ROLES, ROLES, dev_private_key, sign_token
from chassis.settings import Settings


def main() -> None:
    """Print a token for the given subject and roles (development and demo only)."""
    parser = argparse.ArgumentParser(prog="python -m chassis")
    commands = parser.add_subparsers(dest="command", required=True)
    token = commands.add_parser("token", help="mint a demo token (development key)")
    token.add_argument("--sub", required=True, help="the user or client id")
    token.add_argument("--role", action="append", choices=sorted(ROLES), required=True)
    token.add_argument("--name")
    token.add_argument("--office")
    token.add_argument("--agency")
    token.add_argument("--minutes", type=int, default=60)
    args = parser.parse_args()
    partner = not PARTNER_ROLES.isdisjoint(args.role)
    print(
        sign_token(
            subject=args.sub,
            roles=args.role,
            kind="partner" if partner else "staff",
            name=args.name,
            office=args.office,
            agency=args.agency,
            ttl=timedelta(minutes=args.minutes),
            key=dev_private_key(),
            key_id=DEV_KEY_ID,
            issuer=Settings.model_fields["jwt_issuer"].default,
            audience=Settings.model_fields["jwt_audience"].default,
        )
    )


if __name__ == "__main__":
    main()
