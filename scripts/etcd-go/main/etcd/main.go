// The etcd server, built from etcd's official server module at the version
// pinned by the go.mod beside it (see scripts/provide-etcd.sh).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
