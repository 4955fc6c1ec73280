"""Write a development .env from .env.example with a fresh secret key, encryption key and demo
login password."""
import secrets
import sys
from pathlib import Path

from cryptography.fernet import Fernet


def main(example: str, target: str) -> None:
    lines = []
    for line in Path(example).read_text().splitlines():
        if line.startswith("SECRET_KEY="):
            line = f"SECRET_KEY={secrets.token_urlsafe(50)}"
        elif line.startswith("FIELD_ENCRYPTION_KEYS="):
            line = f"FIELD_ENCRYPTION_KEYS={Fernet.generate_key().decode()}"
        elif line.startswith("DEMO_ADMIN_PASSWORD="):
            line = f"DEMO_ADMIN_PASSWORD={secrets.token_urlsafe(12)}"
        lines.append(line)
    Path(target).write_text("\n".join(lines) + "\n")
    print(f"Wrote {target} with fresh keys.")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
