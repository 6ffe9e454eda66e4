#!/bin/sh
# Makes throw-away certificates for the TLS tests in directory $1:
#   ca.pem                        the trusted CA
#   server.pem / server.key       for localhost and 127.0.0.1, signed by ca
#   client.pem / client.key       a client certificate signed by ca
#   rogue-ca.pem                  an unrelated CA
#   rogue-client.pem / .key       a client certificate signed by rogue-ca
set -eu
dir=$1
mkdir -p "$dir"
cd "$dir"
days=2
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
ca() {  # name
  key "$1.key"
  openssl req -x509 -new -key "$1.key" -subj "/CN=$1 test CA" -days $days -out "$1.pem" 2>/dev/null
}
leaf() {  # name ca extensions...
  key "$1.key"
  openssl req -new -key "$1.key" -subj "/CN=$1" -out "$1.csr" 2>/dev/null
  printf '%s\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days $days \
    -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
ca ca
ca rogue-ca
leaf server ca "subjectAltName=DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth"
leaf client ca "extendedKeyUsage=clientAuth"
leaf rogue-client rogue-ca "extendedKeyUsage=clientAuth"
