"""The read-only API's serializers, one module a part (reviews/serializers/api.py)."""
