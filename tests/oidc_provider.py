"""A real OpenID provider for the tests, built from Authlib's server side: the
authorization code flow with PKCE (S256, required) and OpenID Connect's ID token,
a discovery document, a JWKS and a token endpoint that authenticates the client
(``client_secret_basic``). It runs on 127.0.0.1 in a thread (uvicorn), and the
portal talks to it over HTTP exactly as to a ministry's provider.

It has no sign-in page of its own: whoever the test puts in ``provider.user`` is
signed in at the provider and consents at once (``None``: the person declines).
``provider.tamper`` makes it issue a bad ID token on purpose, as a broken or
hostile provider (or someone in between) would: see :meth:`Provider.spoil`.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field

import uvicorn
from authlib.common.security import generate_token
from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import OAuth2Request, grants
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from joserfc import jwt
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


@dataclass
class Client:
    client_id: str
    client_secret: str
    redirect_uris: list[str]

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope):
        return " ".join(s for s in scope.split() if s in ("openid", "profile", "email", "groups"))

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret):
        return client_secret == self.client_secret

    def check_endpoint_auth_method(self, method, endpoint):
        return method == "client_secret_basic" if endpoint == "token" else True

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: dict
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time

    def get_acr(self):
        return None

    def get_amr(self):
        return None


class Request2(OAuth2Request):
    """A request as Authlib's grants read it: the query (authorization endpoint) or the
    form (token endpoint), already parsed."""

    def __init__(self, method: str, url: str, headers, data: dict) -> None:
        super().__init__(method, url, headers=headers)
        self.payload = BasicOAuth2Payload(data)
        self._data = data

    @property
    def args(self):
        return self._data if self.method == "GET" else {}

    @property
    def form(self):
        return self._data if self.method == "POST" else {}


class Server(AuthorizationServer):
    def __init__(self, provider: Provider) -> None:
        super().__init__(scopes_supported=["openid", "profile", "email", "groups"])
        self.provider = provider
        self.register_token_generator(
            "default", BearerTokenGenerator(lambda **_: generate_token(42))
        )

    def query_client(self, client_id):
        return self.provider.clients.get(client_id)

    def save_token(self, token, request):
        pass

    def send_signal(self, name, *args, **kwargs):
        pass

    def create_oauth2_request(self, request):
        if isinstance(request, OAuth2Request):
            return request
        return Request2(*request)

    def handle_response(self, status, body, headers):
        headers = dict(headers)
        if isinstance(body, dict):
            return JSONResponse(body, status_code=status, headers=headers)
        return Response(body, status_code=status, headers=headers)


class CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic"]

    def save_authorization_code(self, code, request):
        data = request.payload.data
        self.server.provider.codes[code] = Code(
            code, request.client.client_id, request.payload.redirect_uri, request.scope,
            request.user, data.get("nonce"), data.get("code_challenge"),
            data.get("code_challenge_method"),
        )  # fmt: skip

    def query_authorization_code(self, code, client):
        found = self.server.provider.codes.get(code)
        return found if found and found.client_id == client.client_id else None

    def delete_authorization_code(self, authorization_code):
        self.server.provider.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code):
        return authorization_code.user


class IDTokens(OpenIDCode):
    def __init__(self, provider: Provider) -> None:
        super().__init__(require_nonce=True)
        self.provider = provider

    def exists_nonce(self, nonce, request):
        return any(code.nonce == nonce for code in self.provider.codes.values())

    def resolve_client_private_key(self, client):
        return self.provider.key

    def get_client_algorithm(self, client):
        return "RS256"

    def get_encode_header(self, client):
        return {"alg": "RS256", "kid": self.provider.key.kid}

    def get_client_claims(self, client):
        now = int(time.time())
        return {"iss": self.provider.issuer, "aud": [client.client_id], "iat": now,
                "exp": now + 300}  # fmt: skip

    def generate_user_info(self, user, scope):
        return UserInfo(user)

    def encode_id_token(self, token, request):
        return self.provider.spoil(super().encode_id_token(token, request))


class Provider:
    def __init__(self, client_id: str = "briefgen", client_secret: str = "s3cret-of-the-client"):
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.key = RSAKey.generate_key(2048, parameters={"kid": "key-1", "use": "sig"})
        self.other_key = RSAKey.generate_key(2048, parameters={"kid": "key-1"})
        self.client_id = client_id
        self.client_secret = client_secret
        self.clients: dict[str, Client] = {}
        self.codes: dict[str, Code] = {}
        self.user: dict | None = None
        self.tamper: str | None = None
        self.token_requests = 0
        self.server = Server(self)
        self.server.register_grant(CodeGrant, [CodeChallenge(required=True), IDTokens(self)])
        self.app = Starlette(routes=[
            Route("/.well-known/openid-configuration", self.discovery),
            Route("/jwks", self.jwks),
            Route("/authorize", self.authorize),
            Route("/token", self.token, methods=["POST"]),
        ])  # fmt: skip
        self._server: uvicorn.Server | None = None

    def register(self, redirect_uri: str) -> None:
        self.clients[self.client_id] = Client(self.client_id, self.client_secret, [redirect_uri])

    # --- endpoints ----------------------------------------------------------------------

    async def discovery(self, request: Request) -> Response:
        return JSONResponse({
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "scopes_supported": ["openid", "profile", "email", "groups"],
        })  # fmt: skip

    async def jwks(self, request: Request) -> Response:
        return JSONResponse({"keys": [self.key.as_dict(private=False)]})

    async def authorize(self, request: Request) -> Response:
        holder = ("GET", str(request.url), request.headers, dict(request.query_params))
        try:
            grant = self.server.get_consent_grant(holder, end_user=self.user)
        except Exception as error:  # an invalid request: shown here, never redirected
            return Response(f"bad request: {error}", status_code=400)
        return self.server.create_authorization_response(grant.request, grant_user=self.user,
                                                         grant=grant)  # fmt: skip

    async def token(self, request: Request) -> Response:
        self.token_requests += 1
        form = dict(await request.form())
        return self.server.create_token_response(("POST", str(request.url), request.headers, form))

    # --- a broken or hostile provider -----------------------------------------------------

    def spoil(self, id_token: str) -> str:
        """The ID token as ``tamper`` says: ``payload`` (a claim changed after signing),
        ``foreign-key`` (signed by a key not in the JWKS, under its kid), ``unsigned``
        (alg none), or a claim made wrong and signed properly: ``expired``,
        ``audience``, ``issuer``, ``nonce``."""
        if self.tamper is None:
            return id_token
        claims = dict(jwt.decode(id_token, self.key).claims)
        header = {"alg": "RS256", "kid": self.key.kid}
        now = int(time.time())
        if self.tamper == "payload":
            head, _, signature = id_token.split(".")
            body = jwt.encode(header, {**claims, "briefgen_clearance": "TOP SECRET"}, self.key)
            return ".".join([head, body.split(".")[1], signature])
        if self.tamper == "foreign-key":
            return jwt.encode(header, claims, self.other_key)
        if self.tamper == "unsigned":
            return jwt.encode({"alg": "none"}, claims, None, algorithms=["none"])
        changed = {
            "expired": {"iat": now - 7200, "exp": now - 3600, "auth_time": now - 7200},
            "audience": {"aud": ["someone-else"]},
            "issuer": {"iss": "http://127.0.0.1:1/"},
            "nonce": {"nonce": "not-the-one-sent"},
        }[self.tamper]
        return jwt.encode(header, {**claims, **changed}, self.key)

    # --- running ----------------------------------------------------------------------

    def __enter__(self) -> Provider:
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 60
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the test OpenID provider did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *_exc) -> None:
        self._server.should_exit = True
        self._thread.join(30)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dump(claims: dict) -> str:
    return json.dumps(claims, sort_keys=True)
