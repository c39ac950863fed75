"""OpenID Connect, the relying party's side: settings, the provider's discovery
document and keys, the authorization request (state, nonce, PKCE S256), the code
exchange, and a full check of the ID token.

Built from Authlib's protocol pieces (the authorization URI, PKCE, the ID token's
claims rules) and joserfc (Authlib's JOSE library) for the signature, over plain
HTTP requests from the standard library. The ID token is believed only if it is
signed (RS/PS/ES/EdDSA, never ``none`` or a shared secret) by a key of the
provider's JWKS, was issued by the configured issuer (which its discovery
document must name exactly), is meant for this client (``aud``, ``azp``), is
current (``exp``, ``iat``, a minute's leeway), and carries the nonce this
browser's sign-in sent. Anything else is :class:`Refused`, with a reason for the
audit trail and a sentence for the person.
"""

from __future__ import annotations

import base64
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from authlib.common.security import generate_token, is_secure_transport
from authlib.oauth2.rfc6749.parameters import prepare_grant_uri
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import (
    BadSignatureError,
    ExpiredTokenError,
    InvalidClaimError,
    InvalidKeyIdError,
    JoseError,
    MissingClaimError,
)
from joserfc.jwk import KeySet

from briefgen.errors import BriefgenError

SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
                      "ES384", "ES512", "EdDSA")  # fmt: skip
LEEWAY = 60  # seconds of clock difference allowed with the provider
METADATA_FOR = 3600  # seconds the discovery document and keys are kept
TIMEOUT = 10  # seconds for each request to the provider
ENVIRONMENT = {
    "issuer": "BRIEFGEN_OIDC_ISSUER",
    "client_id": "BRIEFGEN_OIDC_CLIENT_ID",
    "secret_file": "BRIEFGEN_OIDC_CLIENT_SECRET_FILE",
    "claims": "BRIEFGEN_OIDC_CLAIMS",
    "name": "BRIEFGEN_OIDC_NAME",
    "redirect_url": "BRIEFGEN_OIDC_REDIRECT_URL",
}


class Refused(Exception):
    """A sign-in that may not go ahead: ``reason`` for the audit, ``message`` for the person."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class ClaimRule:
    """Which claim says it, and what its values mean (``values``: claim value → level or
    role; without it, the value is the level or role itself). A claim may be a list
    (``groups``): the highest level or role it gives counts."""

    claim: str
    values: dict[str, str] | None = None


@dataclass(frozen=True)
class OidcSettings:
    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    clearance: ClaimRule = ClaimRule("briefgen_clearance")
    role: ClaimRule = ClaimRule("briefgen_role")
    name: str = "your organisation's account"  # on the button: "Sign in with <name>"
    redirect_url: str | None = None  # default: this portal's /login/sso/callback
    scope: str = "openid profile email"


def settings_from_environment(environ=os.environ) -> OidcSettings | None:
    """The settings ``BRIEFGEN_OIDC_*`` give, or None when no issuer is set."""
    issuer = environ.get(ENVIRONMENT["issuer"], "").strip()
    if not issuer:
        return None
    missing = [ENVIRONMENT[key] for key in ("client_id", "secret_file") if not environ.get(
        ENVIRONMENT[key], "").strip()]  # fmt: skip
    if missing:
        raise BriefgenError(f"single sign-on: {ENVIRONMENT['issuer']} is set, so set "
                            f"{' and '.join(missing)} too")  # fmt: skip
    secret_file = Path(environ[ENVIRONMENT["secret_file"]])
    try:
        secret = secret_file.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeError) as exc:
        raise BriefgenError(
            f"single sign-on: cannot read the client secret from "
            f"{secret_file}: {getattr(exc, 'strerror', None) or exc}"
        ) from None
    if not secret:
        raise BriefgenError(f"single sign-on: {secret_file} is empty; put the client secret in it")
    extra = read_claims_file(Path(environ[ENVIRONMENT["claims"]])) if environ.get(
        ENVIRONMENT["claims"]) else {}  # fmt: skip
    return OidcSettings(
        issuer=issuer, client_id=environ[ENVIRONMENT["client_id"]].strip(),
        client_secret=secret, name=environ.get(ENVIRONMENT["name"]) or OidcSettings.name,
        redirect_url=environ.get(ENVIRONMENT["redirect_url"]) or None, **extra,
    )  # fmt: skip


def read_claims_file(path: Path) -> dict:
    """``clearance:`` and ``role:`` (each ``claim:`` and optional ``values:``) and an
    optional ``scope:``, from a YAML file."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeError, yaml.YAMLError) as exc:
        raise BriefgenError(f"{path}: cannot read the claims mapping: {exc}") from None
    if not isinstance(data, dict) or set(data) - {"clearance", "role", "scope"}:
        raise BriefgenError(f"{path}: expected the keys clearance, role and scope only")
    found: dict = {}
    for key in ("clearance", "role"):
        rule = data.get(key)
        if rule is None:
            continue
        values = rule.get("values") if isinstance(rule, dict) else None
        if (not isinstance(rule, dict) or not isinstance(rule.get("claim"), str)
                or set(rule) - {"claim", "values"} or (values is not None and not (
                    isinstance(values, dict)
                    and all(isinstance(v, str) for v in values.values())))):  # fmt: skip
            raise BriefgenError(f"{path}: {key}: expected 'claim: NAME' and optionally "
                                "'values:' mapping claim values to a "
                                f"{'level' if key == 'clearance' else 'role'}")  # fmt: skip
        mapping = {str(k): v for k, v in values.items()} if values else None
        found[key] = ClaimRule(rule["claim"], mapping)
    if "scope" in data:
        if not isinstance(data["scope"], str) or "openid" not in data["scope"].split():
            raise BriefgenError(f"{path}: scope: a list of scopes that includes openid")
        found["scope"] = data["scope"]
    return found


@dataclass(frozen=True)
class Pending:
    """What a sign-in under way keeps in the browser's cookie until it comes back."""

    state: str
    nonce: str
    verifier: str
    redirect_uri: str
    next: str

    @classmethod
    def new(cls, redirect_uri: str, next_url: str) -> Pending:
        return cls(generate_token(32), generate_token(32), generate_token(64), redirect_uri,
                   next_url)  # fmt: skip


class OpenIDClient:
    def __init__(self, settings: OidcSettings) -> None:
        self.settings = settings
        self._metadata: tuple[float, dict] | None = None
        self._keys: tuple[float, KeySet] | None = None

    def metadata(self) -> dict:
        if self._metadata and time.monotonic() - self._metadata[0] < METADATA_FOR:
            return self._metadata[1]
        url = self.settings.issuer.rstrip("/") + "/.well-known/openid-configuration"
        found = fetch_json(url)
        if found.get("issuer") != self.settings.issuer:
            raise Refused(
                "discovery document names another issuer",
                "The identity provider is not set up as this portal expects.",
            )
        for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(found.get(key), str) or not is_secure_transport(found[key]):
                raise Refused(
                    f"discovery document: no usable {key}",
                    "The identity provider is not set up as this portal expects.",
                )
        self._metadata = (time.monotonic(), found)
        return found

    def keys(self, again: bool = False) -> KeySet:
        if not again and self._keys and time.monotonic() - self._keys[0] < METADATA_FOR:
            return self._keys[1]
        try:
            keys = KeySet.import_key_set(fetch_json(self.metadata()["jwks_uri"]))
        except (JoseError, ValueError, TypeError, KeyError):
            raise Refused("the provider's JWKS does not load", PROVIDER_TROUBLE) from None
        self._keys = (time.monotonic(), keys)
        return keys

    def authorization_url(self, pending: Pending) -> str:
        return prepare_grant_uri(
            self.metadata()["authorization_endpoint"], self.settings.client_id, "code",
            redirect_uri=pending.redirect_uri, scope=self.settings.scope, state=pending.state,
            nonce=pending.nonce, code_challenge=create_s256_code_challenge(pending.verifier),
            code_challenge_method="S256",
        )  # fmt: skip

    def exchange(self, code: str, pending: Pending) -> dict:
        """The provider's token response for the code (client_secret_basic, with the PKCE
        verifier)."""
        quote = urllib.parse.quote
        basic = base64.b64encode(
            f"{quote(self.settings.client_id, safe='')}:"
            f"{quote(self.settings.client_secret, safe='')}".encode()
        )
        body = urllib.parse.urlencode({
            "grant_type": "authorization_code", "code": code,
            "redirect_uri": pending.redirect_uri, "code_verifier": pending.verifier,
        }).encode()  # fmt: skip
        request = urllib.request.Request(
            self.metadata()["token_endpoint"], data=body, method="POST",
            headers={"Authorization": f"Basic {basic.decode()}", "Accept": "application/json",
                     "Content-Type": "application/x-www-form-urlencoded"},
        )  # fmt: skip
        tokens = fetch_json(request, refused_status=True)
        if not isinstance(tokens.get("id_token"), str):
            raise Refused("the token response has no ID token", PROVIDER_TROUBLE)
        return tokens

    def verify(self, tokens: dict, pending: Pending) -> dict:
        """The ID token's claims, if every check passes."""
        offered = self.metadata().get("id_token_signing_alg_values_supported", ["RS256"])
        allowed = [alg for alg in offered if alg in SIGNING_ALGORITHMS]
        try:
            try:
                token = jwt.decode(tokens["id_token"], self.keys(), algorithms=allowed)
            except InvalidKeyIdError:  # the provider may have rolled its keys over
                token = jwt.decode(tokens["id_token"], self.keys(again=True), algorithms=allowed)
            claims = CodeIDToken(
                token.claims, token.header,
                options={"iss": {"essential": True, "value": self.settings.issuer},
                         "aud": {"essential": True, "value": self.settings.client_id},
                         "sub": {"essential": True}, "nonce": {"essential": True}},
                params={"nonce": pending.nonce, "client_id": self.settings.client_id,
                        "access_token": tokens.get("access_token")},
            )  # fmt: skip
            claims.validate(leeway=LEEWAY)
        except ExpiredTokenError:
            raise Refused("ID token expired", BAD_TOKEN) from None
        except (InvalidClaimError, MissingClaimError) as exc:
            raise Refused(f"ID token: {exc.description or exc.error}", BAD_TOKEN) from None
        except BadSignatureError:
            raise Refused("ID token: bad signature", BAD_TOKEN) from None
        except (JoseError, ValueError, TypeError) as exc:
            reason = getattr(exc, "description", None) or type(exc).__name__
            raise Refused(f"ID token not valid: {reason}", BAD_TOKEN) from None
        if not isinstance(claims.get("sub"), str) or not claims["sub"]:
            raise Refused("ID token: no subject", BAD_TOKEN)
        if claims.get("iat", 0) > time.time() + LEEWAY:
            raise Refused("ID token: issued in the future", BAD_TOKEN)
        return dict(claims)


PROVIDER_TROUBLE = ("The identity provider could not sign you in just now. Try again, "
                    "or sign in with a name and password.")  # fmt: skip
BAD_TOKEN = ("The identity provider's answer could not be trusted, so you are not signed in. "
             "Try again; if it happens again, tell the portal's administrator.")  # fmt: skip


def fetch_json(target, refused_status: bool = False) -> dict:
    """A JSON object from the provider; anything else is :class:`Refused`."""
    url = target.full_url if isinstance(target, urllib.request.Request) else target
    if not is_secure_transport(url):
        raise Refused(f"not HTTPS: {url}", PROVIDER_TROUBLE)
    try:
        with urllib.request.urlopen(target, timeout=TIMEOUT) as answer:  # noqa: S310 - https
            data = json.loads(answer.read(1_000_000))
    except urllib.error.HTTPError as exc:
        detail = ""
        if refused_status:
            try:
                detail = str(json.loads(exc.read(10_000)).get("error", ""))[:100]
            except (ValueError, AttributeError, OSError):
                detail = ""
        raise Refused(f"provider answered {exc.code} {detail}".strip(), PROVIDER_TROUBLE) from None
    except (OSError, ValueError) as exc:
        raise Refused(f"provider unreachable or not JSON: {type(exc).__name__}",
                      PROVIDER_TROUBLE) from None  # fmt: skip
    if not isinstance(data, dict):
        raise Refused("provider answered something other than a JSON object", PROVIDER_TROUBLE)
    return data
