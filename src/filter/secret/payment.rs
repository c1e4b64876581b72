//! Payments and commerce: Stripe, Square, PayPal and Braintree, Shopify, Plaid,
//! Flutterwave. Publishable keys (`pk_live_…`, Square application ids) are public by
//! design and are not reported.
//!
//! Every example below is fake: `EXAMPLE`, `FAKE`, or a repeated pattern in the right
//! shape.

use super::check;
use super::{Family, Matcher, Rank, Rule};

/// The payment rules.
pub const RULES: &[Rule] = &[
    Rule {
        id: "stripe-secret-key",
        family: Family::Payment,
        description: "Stripe secret or restricted key, live or test (sk_live_, rk_live_, sk_test_, rk_test_)",
        rank: Rank::Prefix,
        anchors: &["sk_live_", "sk_test_", "rk_live_", "rk_test_"],
        matcher: Matcher::Regex {
            re: r"\b([sr]k_(?:live|test)_[A-Za-z0-9]{10,247})\b",
            back: 0,
            ahead: 255,
            check: check::token,
        },
        must_match: &[
            "STRIPE_SECRET_KEY=sk_live_EXAMPLEfakeEXAMPLEfake00",
            r#"Stripe.api_key = "rk_live_FAKE0000FAKE1111FAKE2222""#,
        ],
        must_not_match: &[
            "pk_live_EXAMPLEfakeEXAMPLEfake00",
            "sk_live_",
            "STRIPE_SECRET_KEY=sk_test_XXXXXXXXXXXXXXXXXXXXXXXX",
        ],
    },
    Rule {
        id: "stripe-webhook-secret",
        family: Family::Payment,
        description: "Stripe webhook signing secret (whsec_…)",
        rank: Rank::Prefix,
        anchors: &["whsec_"],
        matcher: Matcher::Regex { re: r"\b(whsec_[A-Za-z0-9+/=]{32,})", back: 0, ahead: 100, check: check::token },
        must_match: &["STRIPE_WEBHOOK_SECRET=whsec_EXAMPLEfakeEXAMPLEfakeEXAMPLEfake"],
        must_not_match: &["whsec_short"],
    },
    Rule {
        id: "square-access-token",
        family: Family::Payment,
        description: "Square access token (sq0atp-…, EAAA…)",
        rank: Rank::Prefix,
        anchors: &["sq0atp-", "eaaa"],
        matcher: Matcher::Regex {
            re: r"\b(sq0atp-[0-9A-Za-z_-]{22})(?:$|[^0-9A-Za-z_-])|(?:^|[^A-Za-z0-9+/_-])(EAAA[A-Za-z0-9_+=-]{60})(?:$|[^A-Za-z0-9_+=/-])",
            back: 1,
            ahead: 64,
            check: check::token,
        },
        must_match: &[
            "var accessToken = 'sq0atp-EXAMPLE_fake-EXAMPLE_f';",
            "SQUARE_ACCESS_TOKEN=EAAAEXAMPLEfake0EXAMPLEfake0EXAMPLEfake0EXAMPLEfake0EXAMPLEfake0",
        ],
        must_not_match: &[
            "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDkzTBxKNEWRryVMtMu3f3YCcC2EoGcxcf1RvZuBTu+LlfuEBRuxNRiw6phr6WZMYetm",
            "sq0idp-EXAMPLE_fake-EXAMPLE0",
        ],
    },
    Rule {
        id: "square-oauth-secret",
        family: Family::Payment,
        description: "Square OAuth application secret (sq0csp-…)",
        rank: Rank::Prefix,
        anchors: &["sq0csp-"],
        matcher: Matcher::Regex {
            re: r"\b(sq0csp-[0-9A-Za-z_-]{43,64})(?:$|[^0-9A-Za-z_-])",
            back: 0,
            ahead: 64,
            check: check::token,
        },
        must_match: &["app_secret: sq0csp-EXAMPLE_fake-EXAMPLE_fake-EXAMPLE_fake-EXAM"],
        must_not_match: &["sq0csp-short"],
    },
    Rule {
        id: "braintree-access-token",
        family: Family::Payment,
        description: "Braintree / PayPal access token (access_token$production$…$…)",
        rank: Rank::Prefix,
        anchors: &["access_token$production$", "access_token$sandbox$"],
        matcher: Matcher::Regex {
            re: r"(access_token\$(?:production|sandbox)\$[0-9a-z]{16}\$[0-9a-f]{32})",
            back: 0,
            ahead: 60,
            check: check::token,
        },
        must_match: &["BT_TOKEN=access_token$production$fake0000fake0000$fa4efa4efa4efa4efa4efa4efa4efa4e"],
        must_not_match: &["access_token$production$<merchant>$<token>"],
    },
    Rule {
        id: "paypal-client-secret",
        family: Family::Payment,
        description: "PayPal REST client secret (80 characters given to a paypal-named secret)",
        rank: Rank::Context,
        anchors: &["paypal"],
        matcher: Matcher::Regex {
            re: r#"(?i:paypal)[\w.-]{0,30}(?i:secret)["']?\s*(?:=>|:=|=|:)\s*["']?([A-Za-z0-9_-]{60,90})(?:$|[^A-Za-z0-9_-])"#,
            back: 0,
            ahead: 160,
            check: check::alnum,
        },
        must_match: &["PAYPAL_CLIENT_SECRET=EXAMPLE0fake1EXAMPLE2fake3EXAMPLE4fake5EXAMPLE6fake7EXAMPLE8fake9EXAMPLEa"],
        must_not_match: &["PAYPAL_CLIENT_SECRET=${PAYPAL_SECRET}"],
    },
    Rule {
        id: "shopify-token",
        family: Family::Payment,
        description: "Shopify access token, custom app, private app or shared secret (shpat_, shpca_, shppa_, shpss_)",
        rank: Rank::Prefix,
        anchors: &["shpat_", "shpca_", "shppa_", "shpss_"],
        matcher: Matcher::Regex {
            re: r"\b(shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})\b",
            back: 0,
            ahead: 32,
            check: check::token,
        },
        must_match: &[
            "SHOPIFY_API_SECRET: shpss_fa4efa4efa4efa4efa4efa4efa4efa4e",
            "$token = \"shpat_00000000fa4efa4efa4efa4e00000000\";",
        ],
        must_not_match: &["shpat_short", "shpat_<token>"],
    },
    Rule {
        id: "plaid-access-token",
        family: Family::Payment,
        description: "Plaid access token (access-production-…, access-sandbox-…)",
        rank: Rank::Prefix,
        anchors: &["access-production-", "access-sandbox-", "access-development-"],
        matcher: Matcher::Regex {
            re: r"\b(access-(?:sandbox|development|production)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b",
            back: 0,
            ahead: 40,
            check: check::token,
        },
        must_match: &["PLAID_ACCESS_TOKEN=access-sandbox-0f1e2d3c-fa4e-fa4e-fa4e-0f1e2d3c4b5a"],
        must_not_match: &["access-sandbox-<id>"],
    },
    Rule {
        id: "flutterwave-secret-key",
        family: Family::Payment,
        description: "Flutterwave secret key (FLWSECK-…-X)",
        rank: Rank::Prefix,
        anchors: &["flwseck"],
        matcher: Matcher::Regex {
            re: r"\b(FLWSECK(?:_TEST)?-[a-f0-9]{32}-X)",
            back: 0,
            ahead: 40,
            check: check::token,
        },
        must_match: &["FLW_SECRET_KEY=FLWSECK_TEST-fa4efa4efa4efa4efa4efa4efa4efa4e-X"],
        must_not_match: &["FLWSECK-short-X"],
    },
];
