-- Each request carries a session cookie, which the page cache never answers (an editor always
-- sees fresh pages), so every request is computed. An unknown query parameter would not do:
-- it is left out of the cache's key.
wrk.headers["Cookie"] = "stenogram_session=benchmark"
