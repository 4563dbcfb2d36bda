#!/usr/bin/env bash
# sqlc-check: fail when the committed Go of internal/store/postgres/query
# differs from what sqlc generates from the SQL, or when `sqlc vet` finds a
# problem. The db-prepare rule needs a migrated schema: it is made in the
# database named by NORDBID_TEST_DATABASE_URL and dropped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

version=v1.31.1
pkg=internal/store/postgres
sqlc="$(go env GOPATH)/bin/sqlc"
if ! "$sqlc" version 2>/dev/null | grep -qx "$version"; then
	echo "sqlc-check: installing sqlc $version (needs cgo)"
	CGO_ENABLED=1 go install "github.com/sqlc-dev/sqlc/cmd/sqlc@$version"
fi

# Generate into a copy, so that a stale tree is reported, not fixed.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$pkg/sqlc.yaml" "$pkg/sqlc.vet.yaml" "$pkg/migrations" "$pkg/queries" "$tmp/"
(cd "$tmp" && "$sqlc" generate)
if ! diff -ru "$pkg/query" "$tmp/query"; then
	echo "sqlc-check: $pkg/query is stale: run 'sqlc generate' in $pkg and commit" >&2
	exit 1
fi

url=${NORDBID_TEST_DATABASE_URL:-}
if [ -z "$url" ]; then
	echo "sqlc-check: NORDBID_TEST_DATABASE_URL is not set: sqlc vet needs a database" >&2
	exit 1
fi
schema="sqlc_vet_$$"
sep='?'
case "$url" in *\?*) sep='&' ;; esac
vet_url="${url}${sep}search_path=${schema}"
psql_admin() { PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 "$url" -c "$1"; }
psql_admin "CREATE SCHEMA $schema"
trap 'psql_admin "DROP SCHEMA IF EXISTS '"$schema"' CASCADE"; rm -rf "$tmp"' EXIT
DATABASE_URL="$vet_url" go run ./cmd/nordbid migrate up 2>/dev/null
(cd "$tmp" && SQLC_VET_DATABASE_URL="$vet_url" "$sqlc" vet -f sqlc.vet.yaml)
echo "sqlc-check: generated code current, sqlc vet clean"
