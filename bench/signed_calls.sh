# Sourced by the bench scripts: the guide's signed calls against one Sandbank node, given by
# $api, $web (the listeners' URLs), $certs (its data directory's certs/) and $client_id. Call
# use_node after changing them.

use_node() {  # use_node API WEB CERTS: the node the next calls go to
  api=$1 web=$2 certs=$3
  mtls=(--cacert "$certs/ca.cer" --cert "$certs/example_client_tls.cer" --key "$certs/example_client_tls.key")
}
if [ -n "${certs:-}" ]; then use_node "$api" "$web" "$certs"; fi

# Signed headers for METHOD PATH BODY [BEARER KEYID]: prints one "-H" argument per line.
sign() {
  local method=$1 path=$2 body=$3 bearer=${4:-} keyid=${5:-SN=49BA5C71}
  local digest date sig params
  digest="SHA-256=$(printf %s "$body" | openssl dgst -binary -sha256 | openssl base64)"
  date=$(LC_TIME=C date -u "+%a, %d %b %Y %H:%M:%S GMT")
  sig=$(printf '(request-target): %s %s\ndate: %s\ndigest: %s' "${method,,}" "$path" "$date" "$digest" |
        openssl dgst -sha256 -sign "$certs/example_client_signing.key" | openssl base64 -A)
  params="keyId=\"$keyid\",algorithm=\"rsa-sha256\",headers=\"(request-target) date digest\",signature=\"$sig\""
  printf '%s\n' "Date: $date" "Digest: $digest"
  if [ -n "$bearer" ]; then
    printf '%s\n' "Authorization: Bearer $bearer" "Signature: $params"
  else
    printf '%s\n' "TPP-Signature-Certificate: $(tr -d '\r\n' <"$certs/example_client_signing.cer")" \
      "Authorization: Signature $params"
  fi
}
call() {  # call METHOD PATH BODY [BEARER KEYID]
  local headers=()
  while IFS= read -r h; do headers+=(-H "$h"); done < <(sign "$@")
  curl -sS -X "$1" "${mtls[@]}" "${headers[@]}" -H "Content-Type: application/x-www-form-urlencoded" \
    ${3:+--data-raw "$3"} "$api$2"
}
json_field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; }

# The customer token of PROFILE (balances and transactions) over the authorization pages, the
# code exchanged with the application token APP; prints it (empty when a step failed).
customer_token() {  # customer_token APP PROFILE
  local app=$1 name=$2 jar page csrf profile code
  jar=$(mktemp)
  page=$(curl -sS --cacert "$certs/ca.cer" -c "$jar" "$web/authorize/v2/NL?client_id=$client_id&scope=payment-accounts%3Abalances%3Aview+payment-accounts%3Atransactions%3Aview&state=b&response_type=code&redirect_uri=https%3A%2F%2Fwww.example.com%2F")
  csrf=$(printf %s "$page" | sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' | head -1)
  profile=$(printf %s "$page" | tr '\n' ' ' | sed -n "s/.*name=\"profile\" value=\"\([^\"]*\)\"[^>]*> *<span class=\"profile-name\">$name<.*/\1/p")
  code=$(curl -sS -o /dev/null -w '%{redirect_url}' --cacert "$certs/ca.cer" -b "$jar" \
    --data-urlencode "csrf_token=$csrf" --data "profile=$profile&action=next" "$web/authorize/consent" |
    sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
  rm -f "$jar"
  call POST /oauth2/token "grant_type=authorization_code&code=$code&redirect_uri=https%3A%2F%2Fwww.example.com%2F" "$app" "$client_id" | json_field access_token
}
