#!/bin/bash
# ING's open-banking CLI, bash flavour: the chain call_psd2_account_info.sh runs
# (psd2_01_RequestApplicationToken.sh → psd2_02_RequestAuthorizationURL.sh →
# psd2_03_RequestAuthorizationCode.sh → psd2_04_RequestCustomerToken.sh →
# psd2_05_CallAccountInformationAccount.sh), replayed request by request: the same headers,
# bodies and curl flags, the same files between the steps, the answers parsed the same way
# (jq on .location split by "/", ${resp:6} to strip the JSON guard, "Popescu Corina"/RO, the
# code as the last "="-separated piece, no redirect_uri at the exchange). This is ING's
# pre-migration granting flow (authorization-server-url, grantssupport).
#
# Changed from ING's scripts: the hosts (API and web URL from the arguments), the certificate
# paths, `--cacert ca.cer` where ING's scripts trust a public CA or pass -k, the keyId
# (SN=49BA5C71, the guide's example certificate; ING's config file has its own), and, only to
# judge the answers, `-D FILE` (response headers to a file) and curl's stderr to a log.
# The CLI itself never checks a status; this script fails (exit 1, "not ok - ...") as soon as
# an answer is not what the next step of the CLI needs.
#
# usage: psd2_chain.sh [API_URL WEB_URL CERT_DIR]   (default: $SANDBANK_HOST $SANDBANK_WEB
#        $SANDBANK_CERTS, as tests/interop/with_sandbank.sh sets them)
set -uo pipefail

httpHost="${1:-${SANDBANK_HOST:?API URL (argument 1 or SANDBANK_HOST)}}"
myAccountHost="${2:-${SANDBANK_WEB:?web URL (argument 2 or SANDBANK_WEB)}}"
certDir="$(realpath "${3:-${SANDBANK_CERTS:?certificate directory (argument 3 or SANDBANK_CERTS)}}")"

signingCertificateFile="$certDir/example_client_signing.cer"
signingKeyPath="$certDir/example_client_signing.key"
tlsCertificatePath="$certDir/example_client_tls.cer"
tlsKeyPath="$certDir/example_client_tls.key"
caPath="$certDir/ca.cer"

# The scripts pass values through files in their working directory; so does this replay.
work="$(mktemp -d "${TMPDIR:-/tmp}/sandbank-ing-cli-XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
: >curl.log

fail() {
  echo "not ok - $1"
  shift
  local line
  for line in "$@"; do printf '#   %s\n' "$line"; done
  # curl's own error messages ("curl: (60) ..."), without the progress meters the scripts draw
  tr '\r' '\n' <curl.log | grep -a '^curl: (' | sed 's/^/#   /' | tail -n 5
  exit 1
}
status_of() { awk '/^HTTP\//{s=$2} END{print s}' "$1"; }
show() { printf '%s\n' "$1" | cut -c1-300 | sed 's/^/#   /'; } # what the scripts echo, shortened
guard=")]}',"$'\n' # the 6 characters in front of every grantssupport answer

# -------------------------------------------------------------------------------------------
# psd2_01_RequestApplicationToken.sh
keyId=$(echo "SN:49BA5C71" | tr : =) # ING's config has keyId=SN:<serial>; the script maps ":" to "="
signingCertificate=$(tr -d '\r\n' <"$signingCertificateFile")

httpMethod="post"
reqPath="/oauth2/token"
payload="grant_type=client_credentials"
payloadDigest=$(echo -n "$payload" | openssl dgst -binary -sha256 | openssl base64)
digest=SHA-256=$payloadDigest

reqDate=$(LC_TIME=en_US.UTF-8 date -u "+%a, %d %b %Y %H:%M:%S GMT")

signingString="(request-target): $httpMethod $reqPath
date: $reqDate
digest: $digest"

signature=$(echo -n "$signingString" | openssl dgst -sha256 -sign "$signingKeyPath" -passin "pass:changeit" | openssl base64 -A)

response=$(curl -X POST "${httpHost}${reqPath}" \
  -H "Accept: application/json" \
  -H "Content-Type: application/x-www-form-urlencoded" \
  -H "Digest: ${digest}" \
  -H "Date: ${reqDate}" \
  -H "TPP-Signature-Certificate: $signingCertificate" \
  -H "Authorization: Signature keyId=\"$keyId\",algorithm=\"rsa-sha256\",headers=\"(request-target) date digest\",signature=\"$signature\"" \
  --user-agent "openbanking-cli/1.0.0 bash" \
  -d "${payload}" \
  --cacert "$caPath" \
  --cert "$tlsCertificatePath" \
  --key "$tlsKeyPath" \
  -D 01.headers 2>>curl.log)

show "$response"
access_token=$(echo $response | jq -r '.access_token')
echo $access_token >psd2_01_accesstoken.txt

status=$(status_of 01.headers)
[ "$status" = 200 ] || fail "psd2_01 POST /oauth2/token (signed application token) answers 200" "status $status" "$response"
case "$access_token" in
  "" | null) fail "psd2_01 the answer carries .access_token" "$response" ;;
esac
echo "ok - psd2_01 POST /oauth2/token with Authorization: Signature keyId=\"$keyId\" gives an application token"

# -------------------------------------------------------------------------------------------
# psd2_02_RequestAuthorizationURL.sh
keyId="5ca1ab1e-c0ca-c01a-cafe-154deadbea75" # client_id as provided in the documentation

httpMethod="get"
reqPath="/oauth2/authorization-server-url?scope=payment-accounts%3Abalances%3Aview%20payment-accounts%3Atransactions%3Aview&redirect_uri=https://www.example.com&country_code=NL"

# Digest value for an empty "" body
digest="SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="

accessToken=$(cat psd2_01_accesstoken.txt)

reqDate=$(LC_TIME=en_US.UTF-8 date -u "+%a, %d %b %Y %H:%M:%S GMT")

signingString="(request-target): $httpMethod $reqPath
date: $reqDate
digest: $digest"

signature=$(echo -n "$signingString" | openssl dgst -sha256 -sign "$signingKeyPath" | openssl base64 -A)

curl -X GET "${httpHost}${reqPath}" \
  -H "Accept: application/json" \
  -H "Content-Type: application/json" \
  -H "Digest: ${digest}" \
  -H "Date: ${reqDate}" \
  -H "Authorization: Bearer ${accessToken}" \
  -H "Signature: keyId=\"$keyId\",algorithm=\"rsa-sha256\",headers=\"(request-target) date digest\",signature=\"$signature\"" \
  --user-agent "openbanking-cli/1.0.0 bash" \
  -d "" \
  --cacert "$caPath" \
  --cert "$tlsCertificatePath" \
  --key "$tlsKeyPath" \
  -D 02.headers 2>>curl.log >psd2_02_RequestAuthorizationURLResponse.json

show "$(cat psd2_02_RequestAuthorizationURLResponse.json)"
status=$(status_of 02.headers)
[ "$status" = 200 ] || fail "psd2_02 GET /oauth2/authorization-server-url answers 200" "status $status" \
  "$(cat psd2_02_RequestAuthorizationURLResponse.json)"
location=$(jq -r '.location' psd2_02_RequestAuthorizationURLResponse.json 2>/dev/null)
case "$location" in
  "$myAccountHost"/granting/*/NL) ;;
  *) fail "psd2_02 .location is <web>/granting/<reference>/NL" "location: $location" "web: $myAccountHost" ;;
esac
if grep -qi '^x-sandbank-notice:' 02.headers; then
  fail "psd2_02 a Digest with SHA-256= draws no X-Sandbank-Notice" "$(grep -i '^x-sandbank-notice:' 02.headers)"
fi
echo "ok - psd2_02 GET /oauth2/authorization-server-url (raw query signed, -d \"\") gives $location"

# -------------------------------------------------------------------------------------------
# psd2_03_RequestAuthorizationCode.sh
accessToken=$(cat psd2_01_accesstoken.txt)

referenceId=$(cat psd2_02_RequestAuthorizationURLResponse.json | jq -r '.location | split("/") | map(select(length > 0)) | .[-2]')
[ -n "$referenceId" ] && [ "$location" = "$myAccountHost/granting/$referenceId/NL" ] ||
  fail "psd2_03 the reference is the second last piece of .location" "reference: '$referenceId'" "location: $location"

# CALL GRANTSUPPORT ACCOUNTS (the scripts' -k replaced by --cacert)
accountsResponse=$(curl --cacert "$caPath" -X GET "${myAccountHost}/grantssupport/accounts" \
-H 'Content-Type: application/json' \
-H "Authorization: Bearer ${accessToken}" \
-D 03a.headers 2>>curl.log)

show "$accountsResponse"
status=$(status_of 03a.headers)
[ "$status" = 200 ] || fail "psd2_03 GET /grantssupport/accounts answers 200" "status $status" "$accountsResponse"
[ "${accountsResponse:0:6}" = "$guard" ] ||
  fail "psd2_03 /grantssupport/accounts starts with the 6-character guard )]}',\\n" "first 6: $(printf %q "${accountsResponse:0:6}")"

# SELECTING PROFILE
cleaned_accountsResponse=${accountsResponse:6}

selected_profile=$(echo "$cleaned_accountsResponse" | jq '.accounts[] | select((.name == "Popescu Corina") and
(.scopes[0] == "payment-accounts:balances:view") and (.country_code == "RO"))')
show "$selected_profile"
[ -n "$selected_profile" ] ||
  fail "psd2_03 the accounts list has \"Popescu Corina\", country_code RO, scopes[0] payment-accounts:balances:view" \
    "$cleaned_accountsResponse"
[ "$(echo "$selected_profile" | jq -s 'length')" = 1 ] ||
  fail "psd2_03 exactly one profile matches the CLI's selection" "$selected_profile"

extractedId=$(echo "$selected_profile" | jq -r '.id')
extractedScopes=$(echo "$selected_profile" | jq -r '.scopes | join(" ")')
[ "$extractedId" = ro-popescu-corina ] || fail "psd2_03 the selected profile's id is ro-popescu-corina" "id: $extractedId"
echo "ok - psd2_03 GET /grantssupport/accounts lists Popescu Corina (RO, id $extractedId, scopes \"$extractedScopes\")"

# CALL GRANTSSUPPORT URL TO GET AUTH_CODE (-k replaced by --cacert)
grantsSupportResponse=$(curl --cacert "$caPath" -X POST "${myAccountHost}/grantssupport/$referenceId/auth-code" \
-H "host: api.myaccount.sandbox.ing.com" \
-H "Authorization: Bearer ${accessToken}" \
-H 'Content-Type: application/json' \
-H 'X-XSRF-Token: t7oVFHD1d4MKlzKqbqME1QrYGrdWdPtkbPoFBngMR5xlWEYaJPLk-BVvE8Up1CKV' \
-H 'Cookie: XSRF-TOKEN=t7oVFHD1d4MKlzKqbqME1QrYGrdWdPtkbPoFBngMR5xlWEYaJPLk-BVvE8Up1CKV' \
-d '{
	  "id":"'"$extractedId"'",
    "client_id":"5ca1ab1e-c0ca-c01a-cafe-154deadbea75",
    "scopes":"'"$extractedScopes"'",
    "state":"ANY_ARBITRARY_VALUE",
    "redirectURL":"https://www.example.com"
}' \
  --cert "$tlsCertificatePath" \
  --key "$tlsKeyPath" \
  -D 03b.headers 2>>curl.log)

show "$grantsSupportResponse"
status=$(status_of 03b.headers)
[ "$status" = 200 ] || fail "psd2_03 POST /grantssupport/$referenceId/auth-code answers 200" "status $status" "$grantsSupportResponse"
[ "${grantsSupportResponse:0:6}" = "$guard" ] ||
  fail "psd2_03 auth-code starts with the 6-character guard" "first 6: $(printf %q "${grantsSupportResponse:0:6}")"

cleaned_grantsSupportResponse=${grantsSupportResponse:6}

authorization_code=$(echo "$cleaned_grantsSupportResponse" | jq -r '.location | split("=") | map(select(length > 0)) | .[-1]')
echo "$authorization_code" >psd2_03_RequestAuthorizationCode.txt

grantLocation=$(echo "$cleaned_grantsSupportResponse" | jq -r '.location')
case "$authorization_code" in
  "" | null | *[!A-Za-z0-9._~-]*) fail "psd2_03 the code (last \"=\" piece of .location) is a plain token" \
    "code: '$authorization_code'" "location: $grantLocation" ;;
esac
[ "$grantLocation" = "https://www.example.com?state=ANY_ARBITRARY_VALUE&code=$authorization_code" ] ||
  fail "psd2_03 .location is <redirectURL>?state=ANY_ARBITRARY_VALUE&code=<code>" "location: $grantLocation"
echo "ok - psd2_03 POST /grantssupport/<reference>/auth-code (fixed XSRF token, host: api.myaccount.sandbox.ing.com) gives a code"

# -------------------------------------------------------------------------------------------
# psd2_04_RequestCustomerToken.sh
accessToken=$(cat psd2_01_accesstoken.txt)

keyId="5ca1ab1e-c0ca-c01a-cafe-154deadbea75"                   # client_id as provided in the documentation
authorization_code=$(cat psd2_03_RequestAuthorizationCode.txt) # generated value of authorization code from the previous step.

payload="grant_type=authorization_code&code=$authorization_code"
payloadDigest=$(echo -n "$payload" | openssl dgst -binary -sha256 | openssl base64)
digest=SHA-256=$payloadDigest

reqDate=$(LC_TIME=en_US.UTF-8 date -u "+%a, %d %b %Y %H:%M:%S GMT")

httpMethod="post"
reqPath="/oauth2/token"

signingString="(request-target): $httpMethod $reqPath
date: $reqDate
digest: $digest"

signature=$(echo -n "$signingString" | openssl dgst -sha256 -sign "$signingKeyPath" | openssl base64 -A)

oauth2response=$(curl -X POST "${httpHost}${reqPath}" \
  -H "Accept: application/json" \
  -H "Content-Type: application/x-www-form-urlencoded" \
  -H "Digest: ${digest}" \
  -H "Date: ${reqDate}" \
  -H "Authorization: Bearer ${accessToken}" \
  -H "Signature: keyId=\"$keyId\",algorithm=\"rsa-sha256\",headers=\"(request-target) date digest\",signature=\"$signature\"" \
  --user-agent "openbanking-cli/1.0.0 bash" \
  -d "${payload}" \
  --cacert "$caPath" \
  --cert "$tlsCertificatePath" \
  --key "$tlsKeyPath" \
  -D 04.headers 2>>curl.log)

oauth2responsejson="{${oauth2response#*{}"
show "$oauth2response"
echo $oauth2responsejson | jq -r '.access_token' >psd2_04_customer_access_token.txt

status=$(status_of 04.headers)
[ "$status" = 200 ] || fail "psd2_04 POST /oauth2/token grant_type=authorization_code (no redirect_uri) answers 200" \
  "status $status" "$oauth2response"
customer_access_token=$(cat psd2_04_customer_access_token.txt)
case "$customer_access_token" in
  "" | null) fail "psd2_04 the answer carries .access_token" "$oauth2response" ;;
esac
echo "ok - psd2_04 POST /oauth2/token exchanges the code without redirect_uri (scope \"$(echo $oauth2responsejson | jq -r '.scope')\")"

# -------------------------------------------------------------------------------------------
# psd2_05_CallAccountInformationAccount.sh
keyId="5ca1ab1e-c0ca-c01a-cafe-154deadbea75" # client_id as provided in the documentation

httpMethod="get"
reqPath="/v3/accounts"

# Digest value for an empty body
digest="SHA-256=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="

caccessToken=$(cat psd2_04_customer_access_token.txt)

reqDate=$(LC_TIME=en_US.UTF-8 date -u "+%a, %d %b %Y %H:%M:%S GMT")

signingString="(request-target): $httpMethod $reqPath
date: $reqDate
digest: $digest"

signature=$(echo -n "$signingString" | openssl dgst -sha256 -sign "$signingKeyPath" | openssl base64 -A)

curl -X GET "${httpHost}$reqPath" \
  -H "Accept: application/json" \
  -H "Content-Type: application/json" \
  -H "Digest: ${digest}" \
  -H "Date: ${reqDate}" \
  -H "Authorization: Bearer ${caccessToken}" \
  -H "Signature: keyId=\"$keyId\",algorithm=\"rsa-sha256\",headers=\"(request-target) date digest\",signature=\"$signature\"" \
  -H "X-Request-ID: 00000000-0000-0000-0000-0000000000" \
  --user-agent "openbanking-cli/1.0.0 bash" \
  --cacert "$caPath" \
  --cert "$tlsCertificatePath" \
  --key "$tlsKeyPath" \
  -D 05.headers 2>>curl.log >psd2_05_CallAccountInformationApiAccountResponse.json

accounts=$(cat psd2_05_CallAccountInformationApiAccountResponse.json)
show "$accounts"
status=$(status_of 05.headers)
[ "$status" = 200 ] || fail "psd2_05 GET /v3/accounts answers 200" "status $status" "$accounts"
# Popescu Corina's two accounts (src/bank/profiles.json): the current account and the credit card.
names=$(echo "$accounts" | jq -c '[.accounts[].name] | unique' 2>/dev/null)
ids=$(echo "$accounts" | jq -c '[.accounts[].resourceId] | sort' 2>/dev/null)
[ "$names" = '["Popescu Corina"]' ] ||
  fail "psd2_05 every account is Popescu Corina's" "names: $names"
[ "$ids" = '["1e19978f-b07c-4018-960f-0150bcefd317","37608c1d-4d6a-40a2-850c-2462f2e26e80"]' ] ||
  fail "psd2_05 the accounts are Popescu Corina's current account and credit card" "resourceIds: $ids"
echo "ok - psd2_05 GET /v3/accounts returns Popescu Corina's accounts ($(echo "$accounts" | jq -r '[.accounts[] | .iban + (if .maskedPan then " " + .maskedPan else "" end)] | join(", ")'))"

echo "# ING's bash CLI chain psd2_01 → psd2_05 passed"
