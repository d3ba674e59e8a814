"""``python -m treatykg``: the same command as ``treatykg``."""
from .cli import main

if __name__ == "__main__":
    main()
