#!/usr/bin/env bash
# start-postgres: make sure the PostgreSQL server of the CI machine answers
# on 127.0.0.1:5432, starting the local cluster if it does not. It exits
# non-zero, loudly, when the server still cannot be reached: the fleet
# store tests must fail then, not skip.
set -uo pipefail

host=127.0.0.1
port=5432

answers() { pg_isready -q -h "$host" -p "$port" -t 2; }

if answers; then
	echo "start-postgres: server answers on $host:$port"
	exit 0
fi

echo "start-postgres: no answer on $host:$port, starting the local cluster"
for version in $(ls /etc/postgresql 2>/dev/null); do
	pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
done
for _ in $(seq 1 30); do
	if answers; then
		echo "start-postgres: server answers on $host:$port"
		exit 0
	fi
	sleep 1
done

echo "start-postgres: ERROR: PostgreSQL does not answer on $host:$port" >&2
echo "start-postgres: the PostgreSQL tests (NORDBID_TEST_DATABASE_URL) cannot run" >&2
exit 1
