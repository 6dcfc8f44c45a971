"""common.errors."""


class DomainError(Exception):
    """A rule of the evaluation was broken; `message` is shown to the user as is (Chinese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
