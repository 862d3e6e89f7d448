//! `ec2.no_unrestricted_route_to_igw`: route table sends no default route to an internet
//! gateway. Definition, evaluator and unit tests.

use super::field;
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::support::property;
use crate::checks::{Check, Outcome, Params};
use crate::observe::Observation;

/// The `ec2.no_unrestricted_route_to_igw` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "ec2.no_unrestricted_route_to_igw",
        title: "Route table has no default route to an internet gateway",
        description: "OQ. Calls EC2 DescribeRouteTables (RouteTableIds = the route table). Fails when a route with \
            DestinationCidrBlock 0.0.0.0/0 or DestinationIpv6CidrBlock ::/0 targets an internet gateway (GatewayId \
            igw-...), i.e. the subnets using the table are public; blackhole routes (detached gateway) do not \
            count. Select the check for the route tables of private (GxP data) subnets; a public tier's table is \
            left out of the specification or its result suppressed with a reason.",
        stage: Stage::Oq,
        service: "ec2",
        resource_types: &["AWS::EC2::RouteTable"],
        severity: SeverityClass::Security,
        iam_actions: &["ec2:DescribeRouteTables"],
        controls: &["21CFR11.10(d)", "Annex11-12"],
        remediation: "Route private subnets' internet-bound traffic through a NAT gateway (Terraform aws_route \
            nat_gateway_id) or not at all, and delete the route to the internet gateway (EC2 DeleteRoute \
            --destination-cidr-block 0.0.0.0/0).",
        remediation_code: Remediation {
            terraform: "resource \"aws_route\" \"private_default\" {\n  route_table_id         = aws_route_table.private.id\n  destination_cidr_block = \"0.0.0.0/0\"\n  nat_gateway_id         = aws_nat_gateway.egress.id\n}",
            cloudformation: "PrivateDefaultRoute:\n  Type: AWS::EC2::Route\n  Properties:\n    RouteTableId: !Ref PrivateRouteTable\n    DestinationCidrBlock: 0.0.0.0/0\n    NatGatewayId: !Ref NatGateway",
            cli: "aws ec2 delete-route --route-table-id RTB_ID --destination-cidr-block 0.0.0.0/0\naws ec2 delete-route --route-table-id RTB_ID --destination-ipv6-cidr-block ::/0",
        },
        related: Related {
            prowler: &[],
            aws_config: &["no-unrestricted-route-to-igw"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"}]}"#,
        fail: r#"{"Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "State": "active"}]}"#,
        unreadable: "Routes",
    },
};

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    let expected = "no 0.0.0.0/0 or ::/0 route to an internet gateway";
    let routes = match property(obs, "Routes", expected) {
        Err(e) => return e,
        // The collector records the routes whenever the table was read.
        Ok(None) => return Outcome::error(expected, "routes were not read"),
        Ok(Some(r)) => r.as_array().cloned().unwrap_or_default(),
    };
    let open: Vec<String> = routes
        .iter()
        .filter(|r| !field(r, "State").eq_ignore_ascii_case("blackhole"))
        .filter(|r| field(r, "GatewayId").starts_with("igw-"))
        .filter_map(|r| {
            [
                field(r, "DestinationCidrBlock"),
                field(r, "DestinationIpv6CidrBlock"),
            ]
            .into_iter()
            .find(|d| *d == "0.0.0.0/0" || *d == "::/0")
            .map(|d| format!("{d} -> {}", field(r, "GatewayId")))
        })
        .collect();
    if open.is_empty() {
        Outcome::verdict(
            true,
            expected,
            format!(
                "no default route to an internet gateway ({} routes)",
                routes.len()
            ),
        )
    } else {
        Outcome::verdict(false, expected, open.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::ec2::fixtures::{obs, run};
    use crate::checks::Status;
    use serde_json::json;

    const ID: &str = "ec2.no_unrestricted_route_to_igw";

    fn table(routes: serde_json::Value) -> crate::observe::Observation {
        obs("AWS::EC2::RouteTable", json!({ "Routes": routes }))
    }

    #[test]
    fn default_routes_to_an_igw_fail_for_ipv4_and_ipv6() {
        let o = run(
            ID,
            &table(json!([
                {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local"},
                {"DestinationIpv6CidrBlock": "::/0", "GatewayId": "igw-6", "State": "active"}
            ])),
        );
        assert_eq!(
            (o.status, o.actual.as_str()),
            (Status::Failed, "::/0 -> igw-6")
        );
        let o = run(
            ID,
            &table(json!([{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-4"}])),
        );
        assert_eq!(o.actual, "0.0.0.0/0 -> igw-4");
    }

    #[test]
    fn nat_narrow_igw_and_blackhole_routes_pass() {
        let o = run(
            ID,
            &table(json!([
                {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1"},
                {"DestinationCidrBlock": "203.0.113.0/24", "GatewayId": "igw-1"},
                {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-2", "State": "blackhole"},
                {"DestinationPrefixListId": "pl-1", "GatewayId": "vpce-1"}
            ])),
        );
        assert_eq!(o.status, Status::Passed, "{o:?}");
        assert!(o.actual.contains("4 routes"), "{}", o.actual);
        assert_eq!(
            run(ID, &obs("AWS::EC2::RouteTable", json!({}))).status,
            Status::Error
        );
    }
}
