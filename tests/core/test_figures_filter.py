from django.template import Context, Template


def test_thousands_groups_counts_and_leaves_other_values_alone():
    template = Template("{% load figures %}{{ a|thousands }}|{{ b|thousands }}|{{ c|thousands }}")
    assert template.render(Context({"a": 5000, "b": "1000000", "c": "—"})) == "5,000|1,000,000|—"
