"""Unit tests of scripts/aws_schema.py (the hashicorp/aws schema converter).

The first class runs on small generated-TypeScript samples; the second on the real
@cdktf/provider-aws 20.1.0 package that `make tools` caches in .tools/aws-schema/, checking
resources whose hashicorp/aws 5.100.0 schema is known. Run by `make test` (scripts/test.sh):
    .venv/bin/python -m unittest discover -s scripts -p 'test_*.py'
"""

import base64
import json
import os
import unittest

import aws_schema

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(ROOT, ".tools", "aws-schema", "cdktf-provider-aws-20.1.0.tgz")

SAMPLE = '''
export interface ExampleThingRule {
  readonly status: string;
}

export function exampleThingRuleToHclTerraform(struct?: ExampleThingRule | cdktf.IResolvable): any {
  const attrs = {
    status: {
      value: cdktf.stringToHclTerraform(struct!.status),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    mode: {
      value: cdktf.stringToHclTerraform(struct!.mode),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
  };
}

export class ExampleThingRuleOutputReference extends cdktf.ComplexObject {
  // mode - computed: true, optional: true, required: false
  private _mode?: string;
  public get mode() {
    return this.getStringAttribute('mode');
  }

  // status - computed: false, optional: false, required: true
  private _status?: string;
  public get status() {
    return this.getStringAttribute('status');
  }
}

export class ExampleThingEntryOutputReference extends cdktf.ComplexObject {
  // key - computed: true, optional: false, required: false
  public get key() {
    return this.getStringAttribute('key');
  }

  // sizes - computed: true, optional: false, required: false
  public get sizes() {
    return cdktf.Token.asNumberList(cdktf.Fn.tolist(this.getNumberListAttribute('sizes')));
  }
}

export class ExampleThingEntryList extends cdktf.ComplexList {
}

export class ExampleThingGrantOutputReference extends cdktf.ComplexObject {
  // id - computed: false, optional: true, required: false
  private _id?: string;
  public get id() {
    return this.getStringAttribute('id');
  }
}

export function exampleThingGrantToHclTerraform(struct?: ExampleThingGrant | cdktf.IResolvable): any {
  const attrs = {
    id: {
      value: cdktf.stringToHclTerraform(struct!.id),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
  };
}

export class ExampleThing extends cdktf.TerraformResource {
  public static readonly tfResourceType = "aws_example_thing";

  // arn - computed: true, optional: false, required: false
  public get arn() {
    return this.getStringAttribute('arn');
  }

  // names - computed: false, optional: true, required: false
  private _names?: string[];
  public get names() {
    return cdktf.Fn.tolist(this.getListAttribute('names'));
  }

  // labels - computed: true, optional: false, required: false
  private _labels = new cdktf.StringMap(this, "labels");
  public get labels() {
    return this._labels;
  }

  // entry - computed: true, optional: false, required: false
  private _entry = new ExampleThingEntryList(this, "entry", false);
  public get entry() {
    return this._entry;
  }

  // grant - computed: true, optional: true, required: false
  private _grant = new ExampleThingGrantList(this, "grant", true);
  public get grant() {
    return this._grant;
  }

  // rule - computed: false, optional: false, required: true
  private _rule = new ExampleThingRuleOutputReference(this, "rule");
  public get rule() {
    return this._rule;
  }

  // tag - computed: false, optional: true, required: false
  private _tag = new ExampleThingRuleList(this, "tag", true);
  public get tag() {
    return this._tag;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      names: {
        value: cdktf.listMapperHcl(cdktf.stringToHclTerraform, false)(this._names),
        isBlock: false,
        type: "set",
        storageClassType: "stringList",
      },
      grant: {
        value: cdktf.listMapperHcl(exampleThingGrantToHclTerraform, false)(this._grant.internalValue),
        isBlock: true,
        type: "set",
        storageClassType: "ExampleThingGrantList",
      },
      rule: {
        value: exampleThingRuleToHclTerraform(this._rule.internalValue),
        isBlock: true,
        type: "list",
        storageClassType: "ExampleThingRuleList",
      },
      tag: {
        value: cdktf.listMapperHcl(exampleThingRuleToHclTerraform, true)(this._tag.internalValue),
        isBlock: true,
        type: "set",
        storageClassType: "ExampleThingRuleList",
      },
    };
  }
}
'''

PROVIDER_SAMPLE = '''
export interface AwsProviderAssumeRole {
  readonly roleArn?: string;
  readonly sessionName: string;
}

export function awsProviderAssumeRoleToHclTerraform(struct?: AwsProviderAssumeRole | cdktf.IResolvable): any {
  const attrs = {
    role_arn: {
      value: cdktf.stringToHclTerraform(struct!.roleArn),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
    session_name: {
      value: cdktf.stringToHclTerraform(struct!.sessionName),
      isBlock: false,
      type: "simple",
      storageClassType: "string",
    },
  };
}

export class AwsProvider extends cdktf.TerraformProvider {
  public static readonly tfResourceType = "aws";

  // region - computed: false, optional: true, required: false
  private _region?: string;
  public get region() {
    return this._region;
  }

  // alias - computed: false, optional: true, required: false
  private _alias?: string;
  public get alias() {
    return this._alias;
  }

  // assume_role - computed: false, optional: true, required: false
  private _assumeRole?: AwsProviderAssumeRole[] | cdktf.IResolvable;
  public get assumeRole() {
    return this._assumeRole;
  }

  // =========
  // SYNTHESIS
  // =========

  protected synthesizeHclAttributes(): { [name: string]: any } {
    const attrs = {
      region: {
        value: cdktf.stringToHclTerraform(this._region),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      alias: {
        value: cdktf.stringToHclTerraform(this._alias),
        isBlock: false,
        type: "simple",
        storageClassType: "string",
      },
      assume_role: {
        value: cdktf.listMapperHcl(awsProviderAssumeRoleToHclTerraform, true)(this._assumeRole),
        isBlock: true,
        type: "list",
        storageClassType: "AwsProviderAssumeRoleList",
      },
    };
  }
}
'''


def attributes(block):
    return {
        name: (a["type"], tuple(f for f in ("required", "optional", "computed") if a.get(f)))
        for name, a in block.get("attributes", {}).items()
    }


class ConverterOnSamples(unittest.TestCase):
    def convert(self, ts):
        converted = aws_schema.convert_module(ts, "sample")
        self.assertIsNotNone(converted)
        kind, name, schema, problems = converted
        self.assertEqual(problems, [])
        return kind, name, schema["block"]

    def test_source_map_yields_the_typescript(self):
        source_map = {"version": 3, "sources": ["index.ts"], "sourcesContent": ["export class A {}"]}
        js = b"exports.A = 1;\n//# sourceMappingURL=data:application/json;base64," + base64.b64encode(
            json.dumps(source_map).encode()
        )
        self.assertEqual(aws_schema.typescript_of(js), "export class A {}")
        self.assertIsNone(aws_schema.typescript_of(b"exports.A = 1;\n"))

    def test_resource_attributes_take_type_and_flags_from_getters_and_comments(self):
        kind, name, block = self.convert(SAMPLE)
        self.assertEqual((kind, name), ("resource", "aws_example_thing"))
        attrs = attributes(block)
        self.assertEqual(attrs["arn"], ("string", ("computed",)))
        self.assertEqual(attrs["names"], (["set", "string"], ("optional",)))
        self.assertEqual(attrs["labels"], (["map", "string"], ("computed",)))

    def test_computed_object_list_is_an_attribute_of_object_type(self):
        _, _, block = self.convert(SAMPLE)
        self.assertEqual(
            attributes(block)["entry"],
            (["list", ["object", {"key": "string", "sizes": ["set", "number"]}]], ("computed",)),
        )

    def test_list_mapper_false_is_an_attribute_even_when_cdktf_says_block(self):
        _, _, block = self.convert(SAMPLE)
        self.assertEqual(
            attributes(block)["grant"],
            (["set", ["object", {"id": "string"}]], ("optional", "computed")),
        )
        self.assertNotIn("grant", block.get("block_types", {}))

    def test_block_without_list_mapper_holds_one_and_required_means_min_one(self):
        _, _, block = self.convert(SAMPLE)
        rule = block["block_types"]["rule"]
        self.assertEqual((rule["nesting_mode"], rule.get("min_items"), rule.get("max_items")), ("list", 1, 1))
        self.assertEqual(
            attributes(rule["block"]),
            {"mode": ("string", ("optional", "computed")), "status": ("string", ("required",))},
        )

    def test_block_with_list_mapper_is_unbounded_with_its_nesting_mode(self):
        _, _, block = self.convert(SAMPLE)
        tag = block["block_types"]["tag"]
        self.assertEqual(tag["nesting_mode"], "set")
        self.assertNotIn("max_items", tag)
        self.assertNotIn("min_items", tag)

    def test_provider_blocks_take_optional_from_the_interface_and_drop_alias(self):
        kind, name, block = self.convert(PROVIDER_SAMPLE)
        self.assertEqual((kind, name), ("provider", "aws"))
        self.assertEqual(attributes(block), {"region": ("string", ("optional",))})
        assume_role = block["block_types"]["assume_role"]
        self.assertEqual(
            attributes(assume_role["block"]),
            {"role_arn": ("string", ("optional",)), "session_name": ("string", ("required",))},
        )

    def test_a_set_of_blocks_holding_a_dynamic_attribute_becomes_a_list(self):
        block = {"block_types": {"rule": {"nesting_mode": "set", "block": {
            "attributes": {"statement": {"type": "dynamic", "optional": True}},
        }}, "tag": {"nesting_mode": "set", "block": {
            "attributes": {"key": {"type": "string", "optional": True}},
        }}}}
        self.assertEqual(aws_schema._sets_without_dynamic(block), ["rule"])
        self.assertEqual(block["block_types"]["rule"]["nesting_mode"], "list")
        self.assertEqual(block["block_types"]["tag"]["nesting_mode"], "set")

    def test_storage_types(self):
        self.assertEqual(aws_schema.type_of_storage("list", "stringList"), ["list", "string"])
        self.assertEqual(aws_schema.type_of_storage("set", "numberList"), ["set", "number"])
        self.assertEqual(aws_schema.type_of_storage("map", "booleanMap"), ["map", "bool"])
        self.assertEqual(aws_schema.type_of_storage("map", "stringMapMap"), ["map", ["map", "string"]])
        self.assertEqual(aws_schema.type_of_storage("set", "stringListList"), ["set", ["list", "string"]])
        self.assertEqual(aws_schema.type_of_storage("simple", "any"), "dynamic")


@unittest.skipUnless(
    os.path.exists(PACKAGE),
    f"SKIPPED LOUDLY: {PACKAGE} is missing; run `make tools` to fetch @cdktf/provider-aws",
)
class ConverterOnThePackage(unittest.TestCase):
    """Known parts of the hashicorp/aws 5.100.0 schema, converted from the real package."""

    NAMES = {
        "s3-bucket", "s3-bucket-versioning", "kms-key", "cloudtrail", "config-config-rule",
        "vpc", "flow-log", "default-security-group", "data-aws-iam-policy-document", "provider",
        "wafv2-rule-group",
    }

    @classmethod
    def setUpClass(cls):
        cls.resources, cls.data_sources, cls.provider, cls.libs = {}, {}, None, 0
        for lib, ts in aws_schema.package_sources(PACKAGE):
            cls.libs += 1
            if lib not in cls.NAMES:
                continue
            kind, name, schema, problems = aws_schema.convert_module(ts, lib)
            assert problems == [], problems
            {"resource": cls.resources, "data_source": cls.data_sources}.get(kind, {})[name] = schema["block"]
            if kind == "provider":
                cls.provider = schema["block"]

    def test_package_has_every_resource_and_data_source_module(self):
        # 1526 resources + 608 data sources + the provider.
        self.assertEqual(self.libs, 2135)

    def test_aws_s3_bucket(self):
        b = self.resources["aws_s3_bucket"]
        attrs = attributes(b)
        self.assertEqual(attrs["bucket"], ("string", ("optional", "computed")))
        self.assertEqual(attrs["arn"], ("string", ("computed",)))
        self.assertEqual(attrs["object_lock_enabled"], ("bool", ("optional", "computed")))
        self.assertEqual(attrs["force_destroy"], ("bool", ("optional",)))
        self.assertEqual(attrs["tags"], (["map", "string"], ("optional",)))
        self.assertEqual(attrs["tags_all"], (["map", "string"], ("optional", "computed")))
        kinds = {n: (t["nesting_mode"], t.get("max_items")) for n, t in b["block_types"].items()}
        self.assertEqual(kinds["versioning"], ("list", 1))
        self.assertEqual(kinds["lifecycle_rule"], ("list", None))
        self.assertEqual(kinds["grant"], ("set", None))
        self.assertEqual(kinds["timeouts"], ("single", None))
        rule = b["block_types"]["lifecycle_rule"]["block"]
        self.assertEqual(attributes(rule)["enabled"], ("bool", ("required",)))
        self.assertEqual(rule["block_types"]["transition"]["nesting_mode"], "set")

    def test_aws_s3_bucket_versioning(self):
        b = self.resources["aws_s3_bucket_versioning"]
        self.assertEqual(attributes(b)["bucket"], ("string", ("required",)))
        vc = b["block_types"]["versioning_configuration"]
        self.assertEqual((vc["nesting_mode"], vc["min_items"], vc["max_items"]), ("list", 1, 1))
        self.assertEqual(attributes(vc["block"])["status"], ("string", ("required",)))

    def test_aws_kms_key(self):
        attrs = attributes(self.resources["aws_kms_key"])
        self.assertEqual(attrs["key_id"], ("string", ("computed",)))
        self.assertEqual(attrs["enable_key_rotation"], ("bool", ("optional",)))
        self.assertEqual(attrs["deletion_window_in_days"], ("number", ("optional",)))
        self.assertEqual(attrs["policy"], ("string", ("optional", "computed")))

    def test_aws_cloudtrail(self):
        b = self.resources["aws_cloudtrail"]
        attrs = attributes(b)
        self.assertEqual(attrs["name"], ("string", ("required",)))
        self.assertEqual(attrs["s3_bucket_name"], ("string", ("required",)))
        self.assertEqual(attrs["home_region"], ("string", ("computed",)))
        selector = b["block_types"]["event_selector"]
        self.assertEqual(selector["nesting_mode"], "list")
        data = selector["block"]["block_types"]["data_resource"]["block"]
        self.assertEqual(attributes(data)["values"], (["list", "string"], ("required",)))
        field = b["block_types"]["advanced_event_selector"]["block"]["block_types"]["field_selector"]
        self.assertEqual((field["nesting_mode"], field["min_items"]), ("set", 1))

    def test_aws_config_config_rule(self):
        b = self.resources["aws_config_config_rule"]
        source = b["block_types"]["source"]
        self.assertEqual((source["nesting_mode"], source["min_items"], source["max_items"]), ("list", 1, 1))
        self.assertEqual(attributes(source["block"])["owner"], ("string", ("required",)))
        scope = b["block_types"]["scope"]
        self.assertEqual(scope.get("max_items"), 1)
        self.assertEqual(
            attributes(scope["block"])["compliance_resource_types"], (["set", "string"], ("optional",))
        )

    def test_aws_vpc_and_aws_flow_log(self):
        vpc = attributes(self.resources["aws_vpc"])
        self.assertEqual(vpc["cidr_block"], ("string", ("optional", "computed")))
        self.assertEqual(vpc["default_security_group_id"], ("string", ("computed",)))
        flow = self.resources["aws_flow_log"]
        self.assertEqual(attributes(flow)["traffic_type"], ("string", ("optional",)))
        self.assertEqual(attributes(flow)["max_aggregation_interval"], ("number", ("optional",)))
        self.assertEqual(flow["block_types"]["destination_options"].get("max_items"), 1)

    def test_aws_default_security_group_rules_are_attributes_as_blocks(self):
        attrs = attributes(self.resources["aws_default_security_group"])
        cty, flags = attrs["ingress"]
        self.assertEqual((cty[0], flags), ("set", ("optional", "computed")))
        self.assertEqual(cty[1][1]["from_port"], "number")
        self.assertEqual(cty[1][1]["security_groups"], ["set", "string"])

    def test_aws_iam_policy_document(self):
        b = self.data_sources["aws_iam_policy_document"]
        self.assertEqual(attributes(b)["json"], ("string", ("computed",)))
        statement = b["block_types"]["statement"]["block"]
        self.assertEqual(attributes(statement)["actions"], (["set", "string"], ("optional",)))
        principals = statement["block_types"]["principals"]
        self.assertEqual(principals["nesting_mode"], "set")
        self.assertEqual(attributes(principals["block"])["identifiers"], (["set", "string"], ("required",)))

    def test_aws_wafv2_rule_group_rule_is_a_list_as_it_holds_an_untyped_statement(self):
        rule = self.resources["aws_wafv2_rule_group"]["block_types"]["rule"]
        self.assertEqual(rule["nesting_mode"], "list")
        self.assertEqual(attributes(rule["block"])["statement"], ("dynamic", ("optional",)))

    def test_provider(self):
        attrs = attributes(self.provider)
        self.assertEqual(attrs["region"], ("string", ("optional",)))
        self.assertEqual(attrs["s3_use_path_style"], ("bool", ("optional",)))
        self.assertNotIn("alias", attrs)
        self.assertIn("default_tags", self.provider["block_types"])
        self.assertEqual(self.provider["block_types"]["endpoints"]["nesting_mode"], "set")


if __name__ == "__main__":
    unittest.main()
