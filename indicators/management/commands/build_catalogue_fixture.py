"""Regenerate fixtures/catalogue.json from the seed text (a maintainer's tool).

    python manage.py build_catalogue_fixture ../shared/seeds/000_4e154a4d9cdc6803.txt

The fixture uses natural keys only, so `loaddata catalogue` updates rows in place and loading
it twice changes nothing.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from indicators.models import MemberScope
from indicators.seed import SeedFormatError, read_seed

# The 12 units the seed names, in the district's display order, with their stable codes.
UNITS = [
    ("fgw", "区发改委"),
    ("cgb", "区产改办"),
    ("zzb", "区委组织部"),
    ("gzw", "区国资委"),
    ("zgh", "区总工会"),
    ("xcb", "区委宣传部"),
    ("sfj", "区司法局"),
    ("rsj", "区人社局"),
    ("jw", "区教委"),
    ("czj", "区财政局"),
    ("kxj", "区科信局"),
    ("yjj", "区应急管理局"),
]
# 区产改办 is the leading group's office, not one of its member units.
NON_MEMBER_CODES = {"cgb"}
SCOPES = {label: value for value, label in MemberScope.choices if value}


class Command(BaseCommand):
    help = "从指标表文本生成 fixtures/catalogue.json"

    def add_arguments(self, parser):
        parser.add_argument("seed", help="附件1 的文本文件")
        parser.add_argument(
            "--output", default=str(Path(settings.BASE_DIR) / "fixtures" / "catalogue.json")
        )

    def handle(self, *args, seed, output, **options):
        try:
            table = read_seed(seed)
        except (OSError, SeedFormatError) as exc:
            raise CommandError(f"无法读取指标表：{exc}") from exc
        codes = {name: code for code, name in UNITS}
        objects: list[dict] = [
            {
                "model": "units.unit",
                "fields": {
                    "name": name,
                    "code": code,
                    "is_member": code not in NON_MEMBER_CODES,
                    "is_active": True,
                    "display_order": (order + 1) * 10,
                },
            }
            for order, (code, name) in enumerate(UNITS)
        ]
        seen1: set[int] = set()
        seen2: set[int] = set()
        for ind in table.indicators:
            if ind.level1_number not in seen1:
                seen1.add(ind.level1_number)
                objects.append(
                    {
                        "model": "indicators.level1",
                        "fields": {"number": ind.level1_number, "name": ind.level1_name},
                    }
                )
            if ind.level2_number not in seen2:
                seen2.add(ind.level2_number)
                objects.append(
                    {
                        "model": "indicators.level2",
                        "fields": {
                            "number": ind.level2_number,
                            "level1": [ind.level1_number],
                            "name": ind.level2_name,
                        },
                    }
                )
        for ind in table.indicators:
            objects.append(
                {
                    "model": "indicators.indicator",
                    "fields": {
                        "number": ind.number,
                        "level2": [ind.level2_number],
                        "name": ind.name,
                        "content": ind.content,
                        "member_scope": SCOPES.get(ind.scope, ""),
                    },
                }
            )
            for position, unit_name in enumerate(ind.units, start=1):
                if unit_name not in codes:
                    raise CommandError(f"指标 {ind.number} 的责任单位“{unit_name}”没有代码")
                objects.append(
                    {
                        "model": "indicators.responsibility",
                        "fields": {
                            "indicator": [ind.number],
                            "unit": [codes[unit_name]],
                            "position": position,
                        },
                    }
                )
        Path(output).write_text(
            json.dumps(objects, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"已写入 {output}：{len(seen1)} 个一级、{len(seen2)} 个二级、"
                f"{len(table.indicators)} 个三级指标，{len(UNITS)} 个单位。"
            )
        )
