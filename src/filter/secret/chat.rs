//! Chat, mail and messaging: Slack, Discord, Telegram, Microsoft Teams, Twilio,
//! SendGrid, Mailgun, Mailchimp, Postmark, Brevo.
//!
//! Discord bot tokens have no literal at all (three base64url segments, the first the
//! encoded user id); [`discord_bot_token`] finds them from the dots, at about one
//! comparison per `.` in the input.
//!
//! Every example below is fake: `EXAMPLE`, `FAKE`, or a repeated pattern in the right
//! shape.

use super::check;
use super::{Family, Matcher, Rank, Rule};

/// The chat and mail rules.
pub const RULES: &[Rule] = &[
    Rule {
        id: "slack-token",
        family: Family::Chat,
        description: "Slack bot, user, app, legacy or refresh token (xoxb-, xoxp-, xoxa-, xoxo-, xoxs-, xoxr-, xoxe-, xapp-)",
        rank: Rank::Prefix,
        anchors: &["xoxb-", "xoxp-", "xoxa-", "xoxo-", "xoxs-", "xoxr-", "xoxe-", "xoxe.", "xapp-"],
        matcher: Matcher::Regex {
            re: r"\b(xox[abposr]-[0-9]{6,13}-[A-Za-z0-9-]{7,}[A-Za-z0-9]|xoxe(?:\.xox[bp])?-[0-9]-[A-Za-z0-9]{140,}|xapp-[0-9]{1,15}-[A-Za-z0-9/+-]{10,}[A-Za-z0-9])(?:$|[^A-Za-z0-9_#*/+-])",
            back: 0,
            ahead: 300,
            check: check::token,
        },
        must_match: &[
            "SLACK_BOT_TOKEN=xoxb-123456789012-123456789012-FAKEfakeFAKEfakeFAKEfake",
            "xoxp-111111111111-222222222222-333333333333-fa4efa4efa4efa4efa4efa4efa4efa4e",
            "SLACK_APP_TOKEN=xapp-1-A0FAKE0FAKE-1234567890123-fa4efa4efa4efa4e",
        ],
        must_not_match: &[
            "xoxb-xxxxxxxxx-xxxxxxxxxx-xxxxxxxxxxxx",
            "xoxb-12345-abcd234",
            "xoxb-Slack_BOT_TOKEN",
            "xoxp-572370529330-573807301142-572331691188-####################",
            "https://github.com/xoxa-nyc/xoxa-nyc.github.io",
        ],
    },
    Rule {
        id: "slack-webhook",
        family: Family::Chat,
        description: "Slack incoming webhook or workflow trigger URL (hooks.slack.com/services/…)",
        rank: Rank::Prefix,
        anchors: &["hooks.slack.com"],
        matcher: Matcher::Regex {
            re: r"((?:https?://)?hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_-]{20,})",
            back: 8,
            ahead: 200,
            check: check::token,
        },
        must_match: &["webhook: https://hooks.slack.com/services/TFAKE0000/BFAKE0000/EXAMPLEexampleEXAMPLEexa"],
        must_not_match: &["https://hooks.slack.com/services/", "see hooks.slack.com for details"],
    },
    Rule {
        id: "discord-bot-token",
        family: Family::Chat,
        description: "Discord bot token (user id in base64, timestamp, HMAC: M….xxxxxx.…)",
        rank: Rank::Shape,
        anchors: &[],
        matcher: Matcher::Scan(discord_bot_token),
        must_match: &[
            "DISCORD_TOKEN=MTAwMDAwMDAwMDAwMDAwMDAw.FAKEfk.EXAMPLE0example1EXAMPLE2exa",
            "ODk5OTk5OTk5OTk5OTk5OTk5.GfAkEx.EXAMPLE_fake-EXAMPLE_fake-EXAMPLE_fa",
        ],
        must_not_match: &[
            "this.config.value.should.work",
            "MTAwMDAwMDAwMDAwMDAwMDAw.short.EXAMPLE",
            "XTAwMDAwMDAwMDAwMDAwMDAw.FAKEfk.EXAMPLEexampleEXAMPLEexampl",
        ],
    },
    Rule {
        id: "discord-webhook",
        family: Family::Chat,
        description: "Discord webhook URL (discord.com/api/webhooks/ID/TOKEN)",
        rank: Rank::Prefix,
        anchors: &["/api/webhooks/"],
        matcher: Matcher::Regex {
            re: r"(https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_-]{60,68})",
            back: 40,
            ahead: 100,
            check: check::token,
        },
        must_match: &["https://discord.com/api/webhooks/123456789012345678/EXAMPLE_fake-EXAMPLE_fake-EXAMPLE_fake-EXAMPLE_fake-EXAMPLE_fake-EX"],
        must_not_match: &["https://discord.com/api/webhooks/{id}/{token}"],
    },
    Rule {
        id: "telegram-bot-token",
        family: Family::Chat,
        description: "Telegram bot token (bot id:AA…)",
        rank: Rank::Shape,
        anchors: &[":aa"],
        matcher: Matcher::Regex {
            re: r"\b([0-9]{8,10}:AA[0-9A-Za-z_-]{33})(?:$|[^0-9A-Za-z_-])",
            back: 11,
            ahead: 36,
            check: check::token,
        },
        must_match: &["TELEGRAM_BOT_TOKEN=1000000000:AAFAKE_EXAMPLE-FAKE_EXAMPLE-FAKE_EX"],
        must_not_match: &["arn:aws:sns:aaa:111122223333:aaaaaaaaaaaaaaaaaaassssssddddddddddddd", "12345678:AAshort"],
    },
    Rule {
        id: "teams-webhook",
        family: Family::Chat,
        description: "Microsoft Teams incoming webhook URL (…office.com/webhook…/IncomingWebhook/…)",
        rank: Rank::Prefix,
        anchors: &["/incomingwebhook/"],
        matcher: Matcher::Regex {
            re: r"(https://[A-Za-z0-9.-]*\.office(?:365)?\.com/webhook(?:b2)?/[0-9a-f-]{36}(?:@|%40|%2540)[0-9a-f-]{36}/IncomingWebhook/[0-9a-f]{32}/[0-9a-f-]{36}(?:/[A-Za-z0-9_-]+)?)",
            back: 240,
            ahead: 140,
            check: check::token,
        },
        must_match: &["https://fake.webhook.office.com/webhookb2/0f1e2d3c-fa4e-fa4e-fa4e-0f1e2d3c4b5a@1f2e3d4c-fa4e-fa4e-fa4e-1f2e3d4c5b6a/IncomingWebhook/fa4efa4efa4efa4efa4efa4efa4efa4e/2f3e4d5c-fa4e-fa4e-fa4e-2f3e4d5c6b7a"],
        must_not_match: &["https://outlook.office.com/webhook/<id>/IncomingWebhook/<key>"],
    },
    Rule {
        id: "twilio-api-key",
        family: Family::Chat,
        description: "Twilio API key SID (SK + 32 hex) near the word twilio",
        rank: Rank::Context,
        anchors: &["twilio"],
        matcher: Matcher::Regex {
            re: r"(?i:twilio)[\s\S]{0,80}?\b(SK[0-9a-fA-F]{32})\b",
            back: 0,
            ahead: 200,
            check: check::token,
        },
        must_match: &["const twilioApiKeySid = 'SKfa4efa4efa4efa4efa4efa4efa4efa4e';"],
        must_not_match: &["TWILIO_API_KEY=SKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    },
    Rule {
        id: "sendgrid-api-key",
        family: Family::Chat,
        description: "SendGrid API key (SG.….…)",
        rank: Rank::Prefix,
        anchors: &["sg."],
        matcher: Matcher::Regex {
            re: r"\b(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?:$|[^A-Za-z0-9_-])",
            back: 0,
            ahead: 70,
            check: check::token,
        },
        must_match: &["SENDGRID_API_KEY=SG.EXAMPLEfake0EXAMPLEfak.EXAMPLE_fake-EXAMPLE_fake-EXAMPLE_fake-EXAM"],
        must_not_match: &["msg.EXAMPLEfakeEXAMPLEfake00.x", "SG.short.short"],
    },
    Rule {
        id: "mailgun-api-key",
        family: Family::Chat,
        description: "Mailgun API key (key-…), or a new-style key given to a mailgun-named setting",
        rank: Rank::Prefix,
        anchors: &["key-", "mailgun"],
        matcher: Matcher::Regex {
            re: r#"\b(key-[0-9a-f]{32})\b|(?i:mailgun)[\w.-]{0,30}["']?\s*(?:=>|:=|=|:)\s*["']?([0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8})\b"#,
            back: 0,
            ahead: 120,
            check: check::token,
        },
        must_match: &[
            "MAILGUN_API_KEY='key-fa4efa4efa4efa4efa4efa4efa4efa4e'",
            "MAILGUN_KEY=fa4efa4efa4efa4efa4efa4efa4efa4e-0000fa4e-1111fa4e",
        ],
        must_not_match: &["api-key-rotation", "key-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
    },
    Rule {
        id: "mailchimp-api-key",
        family: Family::Chat,
        description: "Mailchimp API key (32 hex + -us<datacenter>)",
        rank: Rank::Prefix,
        anchors: &["-us"],
        matcher: Matcher::Regex { re: r"\b([0-9a-f]{32}-us[0-9]{1,2})\b", back: 33, ahead: 3, check: check::alnum },
        must_match: &["MAILCHIMP_API_KEY=fa4efa4efa4efa4efa4efa4efa4efa4e-us13"],
        must_not_match: &["en-us", "0123-user"],
    },
    Rule {
        id: "postmark-token",
        family: Family::Chat,
        description: "Postmark server or account token (a UUID given to a postmark-named setting or header)",
        rank: Rank::Context,
        anchors: &["postmark"],
        matcher: Matcher::Regex {
            re: r#"(?i:postmark)[\w.-]{0,30}["']?\s*(?:=>|:=|=|:|,)\s*["']?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b"#,
            back: 0,
            ahead: 100,
            check: check::token,
        },
        must_match: &[
            r#""X-Postmark-Server-Token": "0f1e2d3c-fa4e-fa4e-fa4e-0f1e2d3c4b5a""#,
            "postmarkApiToken: '1f2e3d4c-fa4e-fa4e-fa4e-1f2e3d4c5b6a'",
        ],
        must_not_match: &["postmark: enabled", "POSTMARK_TOKEN=${POSTMARK_TOKEN}"],
    },
    Rule {
        id: "brevo-api-key",
        family: Family::Chat,
        description: "Brevo (Sendinblue) API key (xkeysib-…)",
        rank: Rank::Prefix,
        anchors: &["xkeysib-"],
        matcher: Matcher::Regex {
            re: r"\b(xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16})\b",
            back: 0,
            ahead: 90,
            check: check::token,
        },
        must_match: &["BREVO_API_KEY=xkeysib-fa4efa4efa4efa4efa4efa4efa4efa4efa4efa4efa4efa4efa4efa4efa4efa4e-FAKEfake0EXAMPLE"],
        must_not_match: &["xkeysib-short"],
    },
];

const fn b64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// Discord bot tokens: `[MNO]` + 23–27 base64url bytes, `.`, 6 bytes, `.`, 27–38 bytes.
fn discord_bot_token(input: &[u8], out: &mut Vec<(usize, usize)>) {
    let len = input.len();
    for dot in memchr::memchr_iter(b'.', input) {
        let Some(mid) = input.get(dot + 1..dot + 8) else { break };
        if mid[6] != b'.' || !mid[..6].iter().all(|&b| b64url(b)) {
            continue;
        }
        let mut s = dot;
        while s > 0 && dot - s < 28 && b64url(input[s - 1]) {
            s -= 1;
        }
        let n = dot - s;
        if !(23..=27).contains(&n) || (s > 0 && (b64url(input[s - 1]) || input[s - 1] == b'.')) {
            continue;
        }
        if !matches!(input[s], b'M' | b'N' | b'O') {
            continue;
        }
        let t0 = dot + 8;
        let mut t = t0;
        while t < len && t - t0 <= 38 && b64url(input[t]) {
            t += 1;
        }
        if t - t0 < 27 || t - t0 > 38 || (t < len && input[t] == b'.') {
            continue;
        }
        if check::mixed(&input[s..t]) && check::letters_and_digits(&input[s..t]) {
            out.push((s, t));
        }
    }
}
