//! `elb.tls_listeners`: every listener encrypts (HTTPS or TLS), or plain HTTP only redirects
//! to HTTPS. Definition, evaluator and unit tests.

use super::LOAD_BALANCER;
use crate::catalog::{CheckDef, Related, Remediation, SeverityClass, Stage};
use crate::checks::{support, Check, Outcome, Params};
use crate::observe::Observation;
use serde_json::Value as Json;

/// The `elb.tls_listeners` check.
pub static CHECK: Check = Check {
    def: CheckDef {
        id: "elb.tls_listeners",
        title: "Load balancer listeners use TLS (HTTP only redirects to HTTPS)",
        description: "OQ. Calls ELBv2 DescribeListeners, and DescribeRules for HTTP listeners. Passes when \
            every listener's protocol is HTTPS or TLS, or it is HTTP and only redirects to HTTPS: its \
            default actions redirect with protocol HTTPS and none forwards or authenticates, and none of \
            its rules forwards or authenticates either (each rule redirects to HTTPS or answers a fixed \
            response). An HTTP listener that forwards, or a TCP, UDP, TCP_UDP or GENEVE listener \
            (unencrypted at the load balancer), fails. A load balancer without listeners passes (it \
            serves nothing). The SSL policy of TLS listeners is not judged here.",
        stage: Stage::Oq,
        service: "elb",
        resource_types: LOAD_BALANCER,
        severity: SeverityClass::Security,
        iam_actions: &[
            "elasticloadbalancing:DescribeListeners",
            "elasticloadbalancing:DescribeRules",
        ],
        controls: &["21CFR11.10(c)", "21CFR11.30", "Annex11-5", "Annex11-12"],
        remediation: "Serve HTTPS (or TLS) listeners with an ACM certificate and make plain HTTP listeners \
            redirect: Terraform aws_lb_listener { protocol = \"HTTPS\", certificate_arn = ... } and for port \
            80 default_action { type = \"redirect\" redirect { protocol = \"HTTPS\", port = \"443\", \
            status_code = \"HTTP_301\" } }; CloudFormation AWS::ElasticLoadBalancingV2::Listener with \
            Protocol HTTPS or a redirect DefaultActions; or ELBv2 ModifyListener.",
        remediation_code: Remediation {
            terraform: "resource \"aws_lb_listener\" \"http\" {\n  load_balancer_arn = aws_lb.lims.arn\n  port              = 80\n  protocol          = \"HTTP\"\n  default_action {\n    type = \"redirect\"\n    redirect {\n      protocol    = \"HTTPS\"\n      port        = \"443\"\n      status_code = \"HTTP_301\"\n    }\n  }\n}",
            cloudformation: "Type: AWS::ElasticLoadBalancingV2::Listener\nProperties:\n  LoadBalancerArn: !Ref LimsLoadBalancer\n  Port: 80\n  Protocol: HTTP\n  DefaultActions:\n    - Type: redirect\n      RedirectConfig:\n        Protocol: HTTPS\n        Port: \"443\"\n        StatusCode: HTTP_301",
            cli: "aws elbv2 modify-listener --listener-arn LISTENER_ARN --default-actions \\\n  'Type=redirect,RedirectConfig={Protocol=HTTPS,Port=443,StatusCode=HTTP_301}'",
        },
        related: Related {
            prowler: &["elbv2_ssl_listeners"],
            aws_config: &["alb-http-to-https-redirection-check"],
        },
        params: &[],
    },
    evaluate,
    #[cfg(test)]
    fixtures: crate::checks::UnitFixtures::Properties {
        pass: r#"{"Listeners": [{"Port": 443, "Protocol": "HTTPS", "DefaultActions": [{"Type": "forward"}]}]}"#,
        fail: r#"{"Listeners": [{"Port": 80, "Protocol": "HTTP", "DefaultActions": [{"Type": "forward"}], "Rules": []}]}"#,
        unreadable: "Listeners",
    },
};

const EXPECTED: &str = "every listener HTTPS or TLS, or HTTP redirecting to HTTPS";

fn evaluate(obs: &Observation, _params: &Params) -> Outcome {
    tls_listeners(obs).unwrap_or_else(|early| early)
}

fn text<'a>(v: &'a Json, key: &str) -> &'a str {
    v.get(key).and_then(Json::as_str).unwrap_or("")
}

fn actions(v: &Json, key: &str) -> Vec<Json> {
    v.get(key)
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default()
}

fn redirects_to_https(action: &Json) -> bool {
    text(action, "Type").eq_ignore_ascii_case("redirect")
        && action
            .pointer("/RedirectConfig/Protocol")
            .and_then(Json::as_str)
            .is_some_and(|p| p.eq_ignore_ascii_case("HTTPS"))
}

/// Why an HTTP listener serves plain HTTP; `Ok(None)` when it only redirects to HTTPS.
fn plain_http(listener: &Json) -> Result<Option<String>, Outcome> {
    let defaults = actions(listener, "DefaultActions");
    let serves = |a: &Json| {
        let t = text(a, "Type").to_ascii_lowercase();
        t == "forward" || t.starts_with("authenticate")
    };
    if defaults.iter().any(serves) || !defaults.iter().any(redirects_to_https) {
        let kinds: Vec<&str> = defaults.iter().map(|a| text(a, "Type")).collect();
        return Ok(Some(format!("default action {}", kinds.join("+"))));
    }
    let Some(rules) = listener.get("Rules").and_then(Json::as_array) else {
        return Err(Outcome::error(
            EXPECTED,
            "the rules of an HTTP listener were not read",
        ));
    };
    for rule in rules {
        let acts = actions(rule, "Actions");
        let fine = |a: &Json| {
            redirects_to_https(a) || text(a, "Type").eq_ignore_ascii_case("fixed-response")
        };
        if !acts.iter().all(fine) {
            let kinds: Vec<&str> = acts.iter().map(|a| text(a, "Type")).collect();
            return Ok(Some(format!(
                "rule {} {}",
                text(rule, "Priority"),
                kinds.join("+")
            )));
        }
    }
    Ok(None)
}

fn tls_listeners(obs: &Observation) -> Result<Outcome, Outcome> {
    let Some(listeners) = support::property(obs, "Listeners", EXPECTED)? else {
        return Ok(Outcome::verdict(false, EXPECTED, "listeners not reported"));
    };
    let Some(listeners) = listeners.as_array() else {
        return Err(Outcome::error(EXPECTED, "Listeners is not a list"));
    };
    if listeners.is_empty() {
        return Ok(Outcome::verdict(true, EXPECTED, "no listeners"));
    }
    let mut plain = Vec::new();
    let mut seen = Vec::new();
    for l in listeners {
        let protocol = text(l, "Protocol").to_ascii_uppercase();
        let port = l.get("Port").map(|p| p.to_string()).unwrap_or_default();
        let name = format!("{protocol}:{port}");
        match protocol.as_str() {
            "HTTPS" | "TLS" => seen.push(name),
            "HTTP" => match plain_http(l)? {
                None => seen.push(format!("{name} redirects to HTTPS")),
                Some(why) => plain.push(format!("{name} serves plain HTTP ({why})")),
            },
            "" => plain.push(format!("listener on port {port} without a protocol")),
            _ => plain.push(format!("{name} is not encrypted")),
        }
    }
    if plain.is_empty() {
        Ok(Outcome::verdict(true, EXPECTED, seen.join(", ")))
    } else {
        Ok(Outcome::verdict(false, EXPECTED, plain.join("; ")))
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::elb::fixtures::{errored, lb, run};
    use crate::checks::Status;
    use serde_json::{json, Value as Json};

    const ID: &str = "elb.tls_listeners";

    fn listeners(l: Json) -> crate::checks::Outcome {
        run(ID, &lb(json!({ "Listeners": l })))
    }

    fn redirect() -> Json {
        json!({"Type": "redirect", "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}})
    }

    #[test]
    fn https_tls_and_redirecting_http_pass() {
        let r = listeners(json!([
            {"Port": 443, "Protocol": "HTTPS", "SslPolicy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
             "DefaultActions": [{"Type": "forward"}]},
            {"Port": 80, "Protocol": "HTTP", "DefaultActions": [redirect()],
             "Rules": [{"Priority": "1", "Actions": [{"Type": "fixed-response"}]}]},
            {"Port": 8443, "Protocol": "TLS", "DefaultActions": [{"Type": "forward"}]}
        ]));
        assert_eq!(r.status, Status::Passed, "{r:?}");
        assert_eq!(r.actual, "HTTPS:443, HTTP:80 redirects to HTTPS, TLS:8443");
        let r = listeners(json!([]));
        assert_eq!(
            (r.status, r.actual.as_str()),
            (Status::Passed, "no listeners")
        );
    }

    #[test]
    fn plain_http_and_unencrypted_protocols_fail() {
        let r = listeners(json!([
            {"Port": 80, "Protocol": "HTTP", "DefaultActions": [{"Type": "forward"}], "Rules": []}
        ]));
        assert_eq!(r.status, Status::Failed);
        assert_eq!(
            r.actual,
            "HTTP:80 serves plain HTTP (default action forward)"
        );
        // A redirect to HTTP (or keeping the protocol) is no redirect to HTTPS.
        let to_http = json!({"Type": "redirect", "RedirectConfig": {"Protocol": "#{protocol}"}});
        let r = listeners(
            json!([{"Port": 80, "Protocol": "HTTP", "DefaultActions": [to_http], "Rules": []}]),
        );
        assert_eq!(r.status, Status::Failed, "{r:?}");
        // A rule forwarding plain HTTP past the redirecting default.
        let r = listeners(
            json!([{"Port": 80, "Protocol": "HTTP", "DefaultActions": [redirect()],
            "Rules": [{"Priority": "10", "Actions": [{"Type": "forward", "TargetGroupArn": "tg"}]}]}]),
        );
        assert_eq!(r.status, Status::Failed);
        assert_eq!(r.actual, "HTTP:80 serves plain HTTP (rule 10 forward)");
        let r = listeners(
            json!([{"Port": 22, "Protocol": "TCP", "DefaultActions": [{"Type": "forward"}]}]),
        );
        assert_eq!(
            (r.status, r.actual.as_str()),
            (Status::Failed, "TCP:22 is not encrypted")
        );
        let r = run(ID, &lb(json!({})));
        assert_eq!(
            (r.status, r.actual.as_str()),
            (Status::Failed, "listeners not reported")
        );
    }

    #[test]
    fn unreadable_listeners_or_rules_are_errors() {
        assert_eq!(run(ID, &errored("Listeners")).status, Status::Error);
        let r =
            listeners(json!([{"Port": 80, "Protocol": "HTTP", "DefaultActions": [redirect()]}]));
        assert_eq!(r.status, Status::Error, "{r:?}");
        assert_eq!(listeners(json!({"Port": 80})).status, Status::Error);
    }
}
