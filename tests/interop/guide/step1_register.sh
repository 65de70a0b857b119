#!/bin/bash
# The guide's "Step 1: Register your application" script. Changed from the guide: httpHost and
# the certificate paths (from the environment), and the PDF's line breaks joined again.
httpHost="${SANDBANK_HOST:?}"

## THE SCRIPT USES THE DOWNLOADED EXAMPLE EIDAS CERTIFICATES
signCertificate="${SANDBANK_CERTS:?}/example_client_signing.cer"
signKey="${SANDBANK_CERTS}/example_client_signing.key"
tlsCertificate="${SANDBANK_CERTS}/example_client_tls.cer"
tlsKey="${SANDBANK_CERTS}/example_client_tls.key"

httpMethod="POST"
reqPath="/oauth2/applications"

payload="{ \"contact\": \"test@ingsandbox.com\", \"redirect_uris\":[ \"https://example.com\", \"https://another-example.com\"]}"

echo Creating x-jws-signature for calling "$httpMethod" "$reqPath" with payload "$payload"

## Step 1: Create JWS Protected Header
# generate the sha-256, Base64url, for the signing certificate
base64UrlFingerprint=$(openssl x509 -noout -fingerprint -sha256 -inform pem -in $signCertificate | cut -d '=' -f2 | sed s/://g | xxd -r -p | base64 | tr -d '=' | tr '/+' '_-' | tr -d '\n')
echo Base64url for the signing certificate: "$base64UrlFingerprint"

sigT=$(date -u +"%Y-%m-%dT%H:%M:%SZ")
echo Current signing time: "$sigT"

jwsHeader='{ "b64":false, "x5t#S256":"'"$base64UrlFingerprint"'","crit":[ "sigT", "sigD", "b64"], "sigT":"'"$sigT"'","sigD":{"pars":[ "(request-target)", "digest", "content-type" ], "mId":"http://uri.etsi.org/19182/HttpHeaders"},"alg":"PS256"}'
echo JWS Protected Header: "$jwsHeader"

## Step 2: Encode JWS Protected Header into Base64url
jwsHeaderBase64URL=$(echo -n "$jwsHeader" | openssl base64 -e -A | tr -d '=' | tr '/+' '_-' | tr -d '\n')
echo Encoded JWS Protected Header: "$jwsHeaderBase64URL"

## Step 3a: Compute Digest of HTTP Body
digest="SHA-256=$(echo -n "$payload" | openssl dgst -binary -sha256 | openssl base64)"
echo Digest of HTTP Body: "$digest"

## Step 3b: Collect HTTP Headers to be signed
lowerCaseHttpMethod=`echo $httpMethod | tr [:upper:] [:lower:]`

signingString="(request-target): $lowerCaseHttpMethod $reqPath
digest: $digest
content-type: application/json"
echo HTTP Headers to be signed: "$signingString"

## Step 4: Prepare input for Signature Value Computation
inputForSignatureValueComputation="$jwsHeaderBase64URL.$signingString"

## Step 5: Compute JWS Signature Value
jwsSignatureValue=$(printf %s "$inputForSignatureValueComputation" | openssl dgst -sha256 -sign $signKey -sigopt rsa_padding_mode:pss | openssl base64 -A | tr -d '=' | tr '/+' '_-' | tr -d '\n')
echo JWS Signature Value: "$jwsSignatureValue"

## Step 6: Build JSON Web Signature
jwsSignature=$jwsHeaderBase64URL..$jwsSignatureValue
echo x-jws-signature: "$jwsSignature"

# 2. ONBOARDING
response=$(curl -k -vv -X "$httpMethod" "${httpHost}${reqPath}" \
-H 'Content-Type: application/json' \
-H "Digest: $digest" \
-H "x-jws-signature: $jwsSignature" \
-H "TPP-Signature-Certificate: $(tr -d "\n\r" < $signCertificate)" \
-d "$payload" \
--cert $tlsCertificate \
--key $tlsKey)

echo "$response" | jq '.'
