#!/bin/bash
# The guide's SANDBOX step 3 "Request an authorization code and the customer access token" as
# printed: a) the example redirect URL (to /authorize/v2/NL, redirect_uri
# https%3A%2F%2Fwww.example.com%2F, the two AIS scopes), the customer's choice on the test
# profile page (here over plain HTTPS with curl instead of a browser: the profile of the guide's
# screenshot, "Hr A van Dijk, Mw B Mol-van Dijk", and Next), b) the redirect back with the code,
# c) the signed application token (step3c_app_token.sh), d) the code exchange with
# payload="grant_type=authorization_code&code=..." (no redirect_uri), Authorization: Bearer and
# Signature keyId = client_id. Then step 4's GET /v3/accounts (step4_accounts.sh) with the token.
#
# Changed from the guide: the hosts and certificate paths (from the environment), the PDF's line
# breaks joined again, --cacert instead of the guide's public CA, and the example URL's client_id
# spelled as everywhere else in the guide (the PDF prints "5ca1able-..." there). The example
# URL keeps its "?&" and its parameter order. Every answer is checked; "ok - ..." per step,
# exit 1 at the first answer that is not what the guide shows.
#
# env: SANDBANK_HOST (API URL), SANDBANK_WEB (web URL), SANDBANK_CERTS (certificate directory),
#      as tests/interop/with_sandbank.sh sets them
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

httpHost="${SANDBANK_HOST:?}"
myAccountHost="${SANDBANK_WEB:?}"
certPath="${SANDBANK_CERTS:?}/"

work="$(mktemp -d "${TMPDIR:-/tmp}/sandbank-step3-XXXXXX")"
trap 'rm -rf "$work"' EXIT
jar="$work/cookies"

fail() {
  echo "not ok - $1"
  shift
  local line
  for line in "$@"; do printf '#   %s\n' "$line"; done
  exit 1
}
status_of() { awk '/^HTTP\//{s=$2} END{print s}' "$1"; }
body_of() { awk 'f{print} /^\r?$/{f=1}' <<<"$1"; } # the body of `curl -i` output

# -------------------------------------------------------------------------------------------
# a) Redirect the customer to ING's authorization application ("Example redirect url")
authorizeUrl="${myAccountHost}/authorize/v2/NL?&client_id=5ca1ab1e-c0ca-c01a-cafe-154deadbea75&state=ANY_ARBITRARY_VALUE&response_type=code&redirect_uri=https%3A%2F%2Fwww.example.com%2F&scope=payment-accounts%3Abalances%3Aview%20payment-accounts%3Atransactions%3Aview"

page=$(curl -s --cacert "${certPath}ca.cer" -c "$jar" -D "$work/3a.headers" "$authorizeUrl")
status=$(status_of "$work/3a.headers")
[ "$status" = 200 ] || fail "3a the example redirect URL opens the test profile page (200)" "status $status" \
  "$(grep -o 'data-error="[^"]*"' <<<"$page")" "$(grep -o '<p class="message[^<]*' <<<"$page")"
grep -q 'data-outcome="select-profile"' <<<"$page" ||
  fail "3a the page is the test profile page (country NL from the path)" "$(grep -o 'data-outcome="[^"]*"' <<<"$page")"
for permission in "Access balance information" "Access transaction information"; do
  grep -q ">$permission<" <<<"$page" || fail "3a the page says \"With this permission you allow\": $permission"
done
csrf=$(grep -o 'name="csrf_token" value="[^"]*"' <<<"$page" | head -n 1 | sed 's/.*value="//;s/"$//')
[ -n "$csrf" ] || fail "3a the profile form carries a csrf_token"
profileName="Hr A van Dijk, Mw B Mol-van Dijk" # the profile selected in the guide's screenshot
profileId=$(tr -d '\n' <<<"$page" |
  grep -o "name=\"profile\" value=\"[^\"]*\"[^>]*>[[:space:]]*<span class=\"profile-name\">$profileName<" |
  sed 's/.*value="//;s/".*//')
[ -n "$profileId" ] || fail "3a the profile page lists \"$profileName\""
echo "ok - 3a GET /authorize/v2/NL?&client_id=...&redirect_uri=https%3A%2F%2Fwww.example.com%2F&scope=... shows the test profiles"

# The customer selects the test profile and presses Next.
curl -s --cacert "${certPath}ca.cer" -b "$jar" -o "$work/3b.body" -D "$work/3b.headers" \
  --data-urlencode "csrf_token=$csrf" --data-urlencode "profile=$profileId" -d "action=next" \
  "${myAccountHost}/authorize/consent"
status=$(status_of "$work/3b.headers")
location=$(awk 'tolower($1)=="location:"{sub(/\r$/,""); print $2}' "$work/3b.headers")
[ "$status" = 302 ] || fail "3b Next answers 302 to the redirect URI" "status $status" "$(head -c 400 "$work/3b.body")"

# -------------------------------------------------------------------------------------------
# b) Redirect the customer back: https://www.example.com/?state=[YOUR_STATE_VALUE]&code=...
case "$location" in
  "https://www.example.com/?"*) ;;
  *) fail "3b the customer goes back to https://www.example.com/?..." "Location: $location" ;;
esac
query="${location#*\?}"
state="" code=""
IFS='&' read -r -a pairs <<<"$query"
for pair in "${pairs[@]}"; do
  case "$pair" in
    state=*) state="${pair#state=}" ;;
    code=*) code="${pair#code=}" ;;
  esac
done
[ "$state" = ANY_ARBITRARY_VALUE ] || fail "3b the redirect carries state=ANY_ARBITRARY_VALUE" "Location: $location"
[ -n "$code" ] || fail "3b the redirect carries the code" "Location: $location"
echo "ok - 3b the customer is redirected to https://www.example.com/?state=ANY_ARBITRARY_VALUE&code=..."

# -------------------------------------------------------------------------------------------
# c) Request an application access token (the guide's script, step3c_app_token.sh)
step3c=$(bash "$here/step3c_app_token.sh" 2>/dev/null)
accessToken=$(body_of "$step3c" | jq -r '.access_token' 2>/dev/null)
case "$accessToken" in
  "" | null) fail "3c POST /oauth2/token (signed) gives an application access token" "$step3c" ;;
esac
echo "ok - 3c the signed application access token"

# -------------------------------------------------------------------------------------------
# d) Use the authorization code to request the customer access token
keyId="5ca1ab1e-c0ca-c01a-cafe-154deadbea75" # client_id

payload="grant_type=authorization_code&code=$code"
payloadDigest=`echo -n "$payload" | openssl dgst -binary -sha256 | openssl base64`
digest=SHA-256=$payloadDigest

reqDate=$(LC_TIME=en_US.UTF-8 date -u "+%a, %d %b %Y %H:%M:%S GMT")

httpMethod="post"
reqPath="/oauth2/token"
signingString="(request-target): $httpMethod $reqPath
date: $reqDate
digest: $digest"
signature=`printf %s "$signingString" | openssl dgst -sha256 -sign "${certPath}example_client_signing.key" -passin "pass:changeit" | openssl base64 -A`

response=$(curl -i -X POST "${httpHost}${reqPath}" \
-H "Accept: application/json" \
-H "Content-Type: application/x-www-form-urlencoded" \
-H "Digest: ${digest}" \
-H "Date: ${reqDate}" \
-H "Authorization: Bearer ${accessToken}" \
-H "Signature: keyId=\"${keyId}\",algorithm=\"rsa-sha256\",headers=\"(request-target) date digest\",signature=\"${signature}\"" \
-d "${payload}" \
--cacert "${certPath}ca.cer" \
--cert "${certPath}example_client_tls.cer" \
--key "${certPath}example_client_tls.key" 2>/dev/null)

status=$(awk '/^HTTP\//{s=$2} END{print s}' <<<"$response")
token=$(body_of "$response")
[ "$status" = 200 ] || fail "3d POST /oauth2/token grant_type=authorization_code (no redirect_uri) answers 200" \
  "status $status" "$token"
customerToken=$(jq -r '.access_token' <<<"$token")
case "$customerToken" in
  "" | null) fail "3d the answer carries access_token" "$token" ;;
esac
# The guide's "Example response for a successful request".
jq -e '(.refresh_token | type == "string" and length > 0) and .token_type == "Bearer"
  and .expires_in == 900 and .refresh_token_expires_in == 2592000
  and .scope == "payment-accounts:balances:view payment-accounts:transactions:view"' <<<"$token" >/dev/null ||
  fail "3d the answer is the guide's: refresh_token, token_type Bearer, expires_in 900, refresh_token_expires_in 2592000, the two AIS scopes" "$token"
echo "ok - 3d the code is exchanged for a customer access token and a refresh token"

# -------------------------------------------------------------------------------------------
# Step 4 with that token: the profile's accounts.
step4=$(SANDBANK_TOKEN="$customerToken" bash "$here/step4_accounts.sh" 2>/dev/null)
status=$(awk '/^HTTP\//{s=$2} END{print s}' <<<"$step4")
accounts=$(body_of "$step4")
[ "$status" = 200 ] || fail "4 GET /v3/accounts with the customer token answers 200" "status $status" "$accounts"
jq -e --arg name "$profileName" '(.accounts | length > 0) and all(.accounts[]; .name == $name)
  and any(.accounts[]; .resourceId == "450ffbb8-9f11-4ec6-a1e1-df48aefc82ef")' <<<"$accounts" >/dev/null ||
  fail "4 GET /v3/accounts lists the accounts of \"$profileName\"" "$accounts"
echo "ok - 4 GET /v3/accounts lists the accounts of \"$profileName\""
