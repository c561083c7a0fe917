"""Operations: the health endpoint, request ids in the logs, and the backup checksums."""
