"""Secret detection: what counts as a disclosure, what does not, and that no output repeats it."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb_text.secrets import find_secrets, mask_secrets
from search.batch import run_suggest_batch
from search.deflect import suggest

TOKEN = "7QK2MXD9RL0B4VZ1HC6TNWFY3JPE58AX"

DISCLOSURES = [
    # Written after the sixth blind round (tune-k): spelled out, described, tabled, listed.
    (
        "the password, as my son read it out: Kilo Echo Seven Lima Bravo Dash Two",
        "password",
        "Kilo Echo Seven Lima",
    ),
    ("wachtwoord is de oude, zeilboot88", "password", "zeilboot88"),
    (
        "mon mot de passe est une phrase simple : trois poules rouges",
        "password",
        "trois poules rouges",
    ),
    ("cPanel parolam: Kestane*19", "password", "Kestane*19"),
    ("Backoffice: shopadmin / Mint&Crow44", "password", "Mint&Crow44"),
    ("the support pin is 5·2·8·1·9·4", "support_pin", "5·2·8·1·9·4"),
    ("my API token with spaces: K4WD 8XNR 2PLT 7QHZ 3MFC 6YVB 1JGE 9SAT", "api_token", "K4WD 8XNR"),
    ("my password is hunter22", "password", "hunter22"),
    ("Password: Winter-Sun-9", "password", "Winter-Sun-9"),
    ("the mailbox pass is tulip77", "password", "tulip77"),
    ("pw=Secr3t!", "password", "Secr3t!"),
    ("user info@shop.example password Bluefish2025?", "password", "Bluefish2025?"),
    ("login is shopadm / Kx8#pTr2", "password", "Kx8#pTr2"),
    (
        "I tried Harbour#91 and my old one, then got locked out of the login",
        "password",
        "Harbour#91",
    ),
    ("connect with mysql://app:s3cr3tPw@localhost/db", "password", "s3cr3tPw"),
    ("PIN: 482913", "support_pin", "482913"),
    ("my support pin is 55120", "support_pin", "55120"),
    ("Chat wants my Support PIN. I entered 771204 but it fails", "support_pin", "771204"),
    (f"the token is {TOKEN}", "api_token", TOKEN),
    (f"Authorization: cpanel shopuser:{TOKEN}", "api_token", TOKEN),
    (f"curl -H 'Authorization: whm root:{TOKEN}'", "api_token", TOKEN),
    (
        "Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc123def456",
        "api_token",
        "eyJhbGciOiJIUzI1NiJ9.e30.abc123def456",
    ),
    (
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA1b2c3d4\n-----END RSA PRIVATE KEY-----",
        "private_key",
        "MIIEowIBAAKCAQEA1b2c3d4",
    ),
    (
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA",
        "private_key",
        "b3BlbnNzaC1rZXktdjEAAAAA",
    ),
    # Prose: a few words between the word and its value, no delimiter, short words.
    ("the password for cpanel is: Mx7!pq2Lz", "password", "Mx7!pq2Lz"),
    ("pass is rosebud42", "password", "rosebud42"),
    ("pw tulipfield9", "password", "tulipfield9"),
    ("login details below\nuser: mikeshop\npass: Gr33nHouse!", "password", "Gr33nHouse!"),
    ("Login details below:\nmikeshop\nGr33nHouse!", "password", "Gr33nHouse!"),
    ("I changed my password yesterday. It is now Summer2026x ok", "password", "Summer2026x"),
    # Other languages and fullwidth letters.
    ("Mein Passwort ist Sonnenblume77", "password", "Sonnenblume77"),
    ("mi contraseña es Girasol2024", "password", "Girasol2024"),
    ("mon mot de passe est Tournesol#5", "password", "Tournesol#5"),
    ("a senha é Girassol123", "password", "Girassol123"),
    ("mijn wachtwoord is Zonnebloem88", "password", "Zonnebloem88"),
    ("мой пароль: Podsolnuh2024", "password", "Podsolnuh2024"),
    ("ｐａｓｓｗｏｒｄ： Ｂｌｕｅ９９ｆｉｓｈ", "password", "Ｂｌｕｅ９９ｆｉｓｈ"),
    ("kata sandi saya: Melati2024", "password", "Melati2024"),
    ("cpanel şifresi Lale2024x", "password", "Lale2024x"),
    # Words and numbers broken by invisible characters (zero-width space and joiner,
    # soft hyphen) copied from a chat or a PDF.
    ("contra\u200bseña: Xq7#mPz9", "password", "Xq7#mPz9"),
    ("my p\u00adass\u200dword is Hunter22x!", "password", "Hunter22x!"),
    ("Support PIN 48\u200b21\u200b93", "support_pin", "48\u200b21\u200b93"),
    # Configuration pasted from the site: wp-config, .env; a passphrase in quotes.
    ("define( 'DB_PASSWORD', 'Xk9#mPq2vL' );", "password", "Xk9#mPq2vL"),
    ("DB_HOST=localhost\nSMTP_PASSWORD=S3cretFake99\n", "password", "S3cretFake99"),
    ("my password is 'correct horse battery staple'", "password", "correct horse battery staple"),
    # Credentials on a command line.
    ("curl -u reseller1:Res3ller_Fake! https://x:2087/json-api/", "password", "Res3ller_Fake!"),
    ("$ lftp -u webuser,Lftp!Pass42 ftp.example.org", "password", "Lftp!Pass42"),
    ("wget --http-user=cron --http-password=Cr0nWget!Fake https://x/", "password", "Cr0nWget!Fake"),
    ("mysql -u shop -p'Bt!ck_Fake7' shop_main", "password", "Bt!ck_Fake7"),
    ("sshpass -p 'Ssh#Fake2024' ssh deploy@host", "password", "Ssh#Fake2024"),
    # More languages; a login given as "X and Y"; a PIN in words or after "lautet".
    ("Lösenordet för info@x.se är Kanelbulle#7", "password", "Kanelbulle#7"),
    ("Mật khẩu là PhoBo@2024, em đã thử", "password", "PhoBo@2024"),
    (
        "パスワード：Ｓａｋｕｒａ２０２４！ で合っているはずです",
        "password",
        "Ｓａｋｕｒａ２０２４！",
    ),
    ("my login is bob and hunter2 but WHM says invalid", "password", "hunter2"),
    ("Log in as ruthie with BlueJay_Spring77 and see", "password", "BlueJay_Spring77"),
    ("meine Support-PIN lautet 7734. Danke", "support_pin", "7734"),
    ("My support pin is four four seven one nine.", "support_pin", "four four seven one nine"),
    # Cards in other groupings, with an expiry or code after them; keys by their shape.
    ("My Amex is 3782 822463 10005, expires 11/28", "card_number", "3782 822463 10005"),
    ("cc 4242424242424242 0826 737 pls pay invoice", "card_number", "4242424242424242"),
    (
        "Slack: https://hooks.slack.com/services/T0FAKE123/B0FAKE456/FakeSecretAbc123Xyz789Qw",
        "api_token",
        "hooks.slack.com/services/T0FAKE123/B0FAKE456/FakeSecretAbc123Xyz789Qw",
    ),
    # PINs written in groups; tokens by their shape; card numbers.
    ("my support PIN is 48 31 27", "support_pin", "48 31 27"),
    ("PIN: 48.31.27", "support_pin", "48.31.27"),
    (
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "api_token",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    ),
    ("AWS key AKIAIOSFODNN7EXAMPLE", "api_token", "AKIAIOSFODNN7EXAMPLE"),
    (
        "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9P",
        "api_token",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9P",
    ),
    ("card 4539 1488 0343 6467 exp 12/28", "card_number", "4539 1488 0343 6467"),
    ("or use this one: Visa 4111 1111 1111 1111 exp 09/27", "card_number", "4111 1111 1111 1111"),
    # Keys of the mail and API vendors websites use, by their published shapes.
    (
        "it sends with SG.k3yEXAMPLEk3yEXAMPLE.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789ab",
        "api_token",
        "SG.k3yEXAMPLEk3yEXAMPLE.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789ab",
    ),
    (
        "mailgun key-0123456789abcdef0123456789abcdef",
        "api_token",
        "key-0123456789abcdef0123456789abcdef",
    ),
    (
        "maps AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW",
        "api_token",
        "AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStUvW",
    ),
    ("x" * 12_000 + " password: Hidden2025!", "password", "Hidden2025!"),
    # A PIN read out digit by digit, a sentence after the word.
    ("The agent said my PIN was wrong. I gave 7 3 0 5 2 8 as shown.", "support_pin", "7 3 0 5 2 8"),
    # Card digits mistyped (the checksum fails), with the expiry beside them.
    ("Bill this: 5312 7741 0093 2268 expires 11/28", "card_number", "5312 7741 0093 2268"),
    # An administrator's name and password as a pair.
    ("to check it, the administrator is opsadmin / Tidal%Gate42", "password", "Tidal%Gate42"),
    # Letters and digits only, introduced in prose after the word password.
    ("i set the password to something simple, its just sunshine2 lol", "password", "sunshine2"),
    ("the password is her dog's name and the year: rexie2011", "password", "rexie2011"),
    ("I reset the password and set it to tulip2020, still fails", "password", "tulip2020"),
    # A PIN a phone wrapped onto two lines; a card with its expiry after it.
    ("my Support PIN is 83\n0542 (the app wraps it)", "support_pin", "83\n0542"),
    ("new one:\n\n5412527627867750 exp 09/27 cvc 412", "card_number", "5412527627867750"),
    # Keys and tokens in an .env file, a password in an XML settings file, a traced command.
    (
        "APP_ENV=production\nAPP_KEY=base64:Xs4wsSqdIKbX2Pr2m2VwRzZvr0ufUiZY=\n",
        "password",
        "base64:Xs4wsSqdIKbX2Pr2m2VwRzZvr0ufUiZY=",
    ),
    (
        '<Pass encoding="base64">Q29wcGVyLktldHRsZSE0NA==</Pass>',
        "password",
        "Q29wcGVyLktldHRsZSE0NA==",
    ),
    ("+ /usr/bin/mysqldump -u shop_wp '-pTee#Time88' shop_wp", "password", "Tee#Time88"),
    # Plain words run together, told to try or use, in the customer's language.
    ("la contraseña prueba con lunallena, gracias", "password", "lunallena"),
    ("Passwordnya coba pakai burunghantu ya", "password", "burunghantu"),
    ("for the password use the same as always, Pfefferminztee", "password", "Pfefferminztee"),
    ("it keeps asking for the password. She says try CaptainFluffy", "password", "CaptainFluffy"),
    ("пароль — зеленаялампа, я его не меняла", "password", "зеленаялампа"),
    ("hasło to: czerwonyrower", "password", "czerwonyrower"),
    ("şifre her zamanki: mavibisiklet", "password", "mavibisiklet"),
    ("le mot de passe c'est bateaubleu, en minuscules", "password", "bateaubleu"),
    ("cPanel: user ruthbakes, password lemontartlet", "password", "lemontartlet"),
    ("你们问我控制面板的密码是什么？\nhongsetaiyang\n就是这个", "password", "hongsetaiyang"),
    ("Dave's IT | WHM for your techs: daveit / SilverFoxRunning", "password", "SilverFoxRunning"),
    # A docker-compose list item, WordPress's salts, a JSON token, an htpasswd hash.
    ("    environment:\n      - MYSQL_PASSWORD=Quarry_Fox_19\n", "password", "Quarry_Fox_19"),
    ("define( 'AUTH_KEY', 'q8 }x=Lm!v2#Pz' );", "password", "q8 }x=Lm!v2#Pz"),
    ('{"refresh_token": "Qm9vT2xkZXJfMTIzNDU2Nzg5MA"}', "api_token", "Qm9vT2xkZXJfMTIzNDU2Nzg5MA"),
    (
        ".htpasswd:\nmembers:$apr1$Xy7.kQ2z$9sLwq0pRfMnB3vT6yUe1a/",
        "password",
        "$apr1$Xy7.kQ2z$9sLwq0pRfMnB3vT6yUe1a/",
    ),
    # PINs with dashes, dots and spaces, in words of other languages, in Chinese digits.
    ("PIN de suporte 2-7-7-0-4-1. Obrigada", "support_pin", "2-7-7-0-4-1"),
    ("chat wanted my support pin, I gave it as 4 8 1 . 9 0 2 and", "support_pin", "4 8 1 . 9 0 2"),
    (
        "Die Support-PIN lautet: vier, neun, null, zwei, acht",
        "support_pin",
        "vier, neun, null, zwei, acht",
    ),
    ("ПИН: 3 семь 1 ноль 9 6", "support_pin", "3 семь 1 ноль 9 6"),
    ("客服要我的支持PIN：七三五零一九", "support_pin", "七三五零一九"),
]

HARMLESS = [
    "the page still shows old colours, I tried Ctrl+F5 and a private window",
    "I don't have the PIN for my new SIM yet. Order # for the plan was 550913",
    "Password | Status\n---|---\n******** | reset\n[removed] | reset",
    "I forgot my password",
    "please reset the password of info@",
    "my password is incorrect, it says",
    "The password was changed yesterday and Outlook keeps asking",
    "'Reset password' sends the link to an old address",
    "Where do I find my Support PIN? My ticket number is 58302",
    "What is a PIN for?",
    "SMTP auth error 535 Incorrect authentication data",
    "SQLSTATE[42000]: 1142 INSERT command denied to user 'app'@'localhost'",
    "Report-ID: 8830123 from google.com",
    "facebook-domain-verification=k3v9abc",
    "ticket #58302 marked resolved",
    "we get 100 per day, 4,000 rows, since 2019",
    # Error messages and prose that mention a password without giving one.
    "SQLSTATE[HY000] [1045] Access denied for user 'shop_wp'@'localhost' (using password: YES)",
    "Outlook says the password is incorrect",
    "cPanel: The password strength is too weak. Password strength must be at least 65.",
    "password: ********",
    "my password is [redacted]",
    "Thunderbird keeps asking for the password for imap.example.com",
    "Error: Password authentication failed for user postgres",
    "I tried to log in with my password but cPHulk blocked me after 5 attempts",
    # Configuration and quotes without a value.
    "define('DB_PASSWORD', getenv('DB_PASS'));",
    "define('DB_PASSWORD', '');",
    "SMTP_PASS=${SMTP_PASS}",
    "PASS_MIN_LEN=8",
    "'password' => '********'",
    "Error: 'password' => 'required'",
    "password: 'not set'",
    'the password is "wrong"',
    "Outlook settings: Password: ●●●●●●●●●●, port 993",
    "The welcome email shows 'Password: (hidden for your security)'.",
    "Password: Use the email account's password.",
    "define( 'DB_PASSWORD', 'password_here' );",
    "Ich habe mein Passwort vergessen. Meine Kundennummer ist 204-5581. Danke!",
    "log=admin&pwd=********&wp-submit=Log+In\n--8f3a2c1d-H--",
    "mysql -u shop -p shop_main asks for the password",
    "DCV requests /.well-known/pki-validation/4F7A2B9C8D1E3F5A6B0C2D4E8F9A1B3C.txt",
    # Numbers that are not secrets.
    "Order #4111111111111111 was charged twice",
    "tracking 4111 1111 1111 1111 from the courier",
    "DKIM record: v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAx",
    "invoice 100234 and reference 5521-889",
    "my order number is 48213 and my PIN? where is it",
    # An address after "password for", with a dash in its domain.
    "Can you reset the password for anna@anna-pottery.example? I can prove it is me.",
    "Thunderbird: Enter password for joe@west-side-bikes.example on mail.west-side-bikes.example",
    # An address without a dot in its domain near a credential word; dates in a log.
    "The queue holds mail to tom.ryder.1187@localpart and the logins page shows odd IPs",
    "I tried again: [03-Jun-2025 10:14:07 UTC] PHP Fatal error: Allowed memory size exhausted",
    # A public key before a credential word; an empty parameter; a program's error code.
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINTUb0eDsEJCxiiTLBIJZxDwvHXAyhWT498z1QYzLwot m@x\n\n"
    "I tried importing it",
    "GET /execute/Email/add_pop?email=orders&password=&quota=1024 says: specify a password",
    "Outlook reported error (0x800CCC92): verify your user name and password",
    "the password for the shop2024 mailbox is not working",
    "I changed the password to the one in the email, login fails",
    "PUBLIC_KEY=ssh-rsa-not-a-secret\nDKIM_PUBLIC_KEY=v1",
    # Phone numbers near the word PIN; references after the word password; placeholders.
    "they asked for my bank PIN. The number that called was 910 55 73 28, at 17:15",
    "someone asked for my bank PIN, the number was +91 70423 18856",
    "I reset my wachtwoord yesterday, but order #HB-209934 is still open",
    "I typed JOUW_WACHTWOORD literally, as the manual said",
    "DATABASE_URL=mysql://app:${DB_PASS}@localhost/app",
    "I changed the password and now I use Roundcube instead of Thunderbird",
    "The password reset worked. Try reinstalling the app, it said.",
    # Ids named for what they are, in logs and forms; timestamps; code; a reply line.
    '<input type="hidden" name="_token" value="s830TH9QoKXj1Qlvo4UbNvLnslCIrOfH"> login',
    '[uri "/wp-login.php"] [unique_id "aFD0zVWn0ky8hCqBb4nRCgAAAAs"] login attempts',
    "dovecot: imap-login: Login: user=<a@x.example>, session=<x8Tq3p0UqqDGKQ5c>",
    "2025-06-20T14:02:25.0197975Z password step done, 220-This server is ready",
    "$password = trim(file_get_contents('/home/u/.smtp'));",
    "334 VXNlcm5hbWU6 then 334 UGFzc3dvcmQ6 then 535 password rejected",
    "the password is kept in 1Password: see the vault",
    "pk_live_51rYaOCMQprlfSsAl8UuqcR72NbkNTUikV3YuHNceKddh9 is on the checkout page",
    "テスト用のパスワードは共有しません。弊社顧客のアカウント「hanamizuki」で、WordPress が重い",
]


@pytest.mark.parametrize(("text", "kind", "secret"), DISCLOSURES)
def test_disclosures_are_found_and_masked(text: str, kind: str, secret: str) -> None:
    findings = find_secrets(text)
    assert [f.type for f in findings] == [kind]
    assert secret not in mask_secrets(text, findings)


@pytest.mark.parametrize(
    ("name", "misses", "leaks_allowed", "alarms_allowed"),
    [
        ("tune-g", 1, 0, 0),
        ("tune-i", 0, 0, 0),
        ("tune-j", 6, 2, 0),
        ("tune-k", 0, 0, 0),
        # Never read (writer KB, the tune-k brief): scored only.
        ("fresh-kb", 2, 0, 1),
    ],
)
def test_a_blind_set_of_disclosures_and_look_alikes(
    name: str, misses: int, leaks_allowed: int, alarms_allowed: int
) -> None:
    # Texts by writers who never saw this detector (bench/data): 150 (G), 100 (IS) and 160
    # (JT, JU), tuned on. Where a writer marked the values, none may be left in the masked
    # text. Still missed in tune-j: passwords dictated letter by letter, two-word phrases,
    # a PIN in Chinese digits inside a sentence; left: two values of credential lists.
    path = Path(__file__).resolve().parents[3] / "bench" / "data" / f"{name}-secrets.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    missed = [r["id"] for r in rows if r["contains_secret"] and not find_secrets(r["text"])]
    alarms = [r["id"] for r in rows if not r["contains_secret"] and find_secrets(r["text"])]
    leaks = [
        r["id"]
        for r in rows
        if r["id"] not in missed
        and any(v in mask_secrets(r["text"]) for v in r.get("secret_values", []))
    ]
    within = len(missed) <= misses and len(alarms) <= alarms_allowed
    assert within and len(leaks) <= leaks_allowed, (
        missed,
        alarms,
        leaks,
    )


@pytest.mark.parametrize("text", HARMLESS)
def test_ordinary_support_prose_is_not_a_disclosure(text: str) -> None:
    assert find_secrets(text) == []


@pytest.mark.parametrize(("text", "kind", "secret"), DISCLOSURES)
def test_no_output_repeats_the_secret(repo_kb: Any, text: str, kind: str, secret: str) -> None:
    result = suggest("help with my account", f"Hello. {text}. Thanks", kb=repo_kb)
    assert [w.type for w in result.secrets] == [kind]
    assert secret not in json.dumps(result.to_dict())
    out = io.StringIO()
    run_suggest_batch([json.dumps({"id": 1, "subject": text, "body": text})], out, repo_kb)
    assert secret not in out.getvalue()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_detection_never_fails_and_masking_keeps_the_rest(text: str) -> None:
    findings = find_secrets(text)
    masked = mask_secrets(text, findings)
    assert all(0 <= f.start < f.end <= len(text) for f in findings)
    if not findings:
        assert masked == text


def test_a_secret_after_a_long_pasted_log_is_found(repo_kb: Any) -> None:
    log = "[error] AH01071: Got error 'PHP message: PHP Warning: x' \n" * 600  # ~36,000 chars
    result = suggest("site broken", f"{log}\nmy cpanel password is Harbour#91x", kb=repo_kb)
    assert [w.type for w in result.secrets] == ["password"]
    assert "Harbour#91x" not in json.dumps(result.to_dict())
