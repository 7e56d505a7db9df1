"""Settings from the environment."""
from __future__ import annotations


def test_the_page_cache_is_capped_by_default():
    from govkg.config import Settings

    assert Settings.from_env({}).buffer_pool_mb == 1024
    assert Settings.from_env({"GOVKG_BUFFER_POOL_MB": "300"}).buffer_pool_mb == 300
    assert Settings.from_env({"GOVKG_BUFFER_POOL_MB": "0"}).buffer_pool_mb == 0  # LadybugDB's own default
