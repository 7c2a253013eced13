# Sourced by .ci/run: start the machine's PostgreSQL 15 cluster and create the test role and
# database. Idempotent, so a second run on a warm machine costs a fraction of a second.
pg_lsclusters -h | awk '$1==15 && $2=="main" {print $4}' | grep -q online || pg_ctlcluster 15 main start
for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done
pg_isready -q -h 127.0.0.1 -p 5432 || { echo "PostgreSQL did not start."; exit 1; }
runuser -u postgres -- psql -v ON_ERROR_STOP=1 -q -c "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='portal') THEN CREATE ROLE portal LOGIN CREATEDB PASSWORD 'portal'; END IF; END\$\$;"
runuser -u postgres -- psql -tAc "SELECT 1 FROM pg_database WHERE datname='portal_test'" | grep -q 1 \
  || runuser -u postgres -- createdb -O portal portal_test
export TEST_DATABASE_URL=postgresql+psycopg://portal:portal@127.0.0.1:5432/portal_test
