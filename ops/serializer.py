"""Django's JSON serializer at full precision, for backups.

Django's JSON encoder cuts datetimes and times to milliseconds (ECMA-262), so a dump and a
reload would silently move every audit timestamp by up to 999 microseconds. This format writes
them with their microseconds; Django's own JSON deserializer reads it back unchanged.
"""

import datetime

from django.core.serializers.json import Deserializer as JsonDeserializer
from django.core.serializers.json import Serializer as JsonSerializer


class Serializer(JsonSerializer):
    def _value_from_field(self, obj, field):
        value = field.value_from_object(obj)
        if isinstance(value, datetime.datetime | datetime.time):
            return value.isoformat()
        return super()._value_from_field(obj, field)


Deserializer = JsonDeserializer
