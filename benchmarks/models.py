"""What `manage.py benchmark` needs to remember between runs: which dataset it built, so that --keep can reuse it."""

from django.db import models


class BenchDataset(models.Model):
    """The national benchmark dataset in this database. Its presence marks the database as a benchmark one."""

    scale = models.FloatField()
    seed = models.PositiveIntegerField()
    officials = models.PositiveIntegerField(default=0)
    accounts = models.PositiveIntegerField(default=0)
    order_lines = models.PositiveIntegerField(default=0)
    receipts = models.PositiveIntegerField(default=0)
    province_code = models.CharField(max_length=32)
    district_code = models.CharField(max_length=32)
    built_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "benchmark dataset"

    def __str__(self) -> str:
        return f"benchmark dataset, scale {self.scale:g}"
