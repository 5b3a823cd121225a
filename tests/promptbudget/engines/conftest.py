from .platform_env import aws, gcp, private_key_pem, server, unused_port  # noqa: F401 - platform fixtures
