module charmed-etcd/tests/sim/hook-tool/jujuc

go 1.22
