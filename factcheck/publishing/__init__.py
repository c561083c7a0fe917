"""Publishing: a draft's approved verdicts as schema.org ClaimReview, for download and, once
the story is published, in the newsroom's public feed."""
