// etcdctl, built from etcd's official etcdctl module (see scripts/provide-etcd.sh).
package main

import "go.etcd.io/etcd/etcdctl/v3/ctlv3"

func main() { ctlv3.MustStart() }
