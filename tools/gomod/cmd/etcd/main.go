// Command etcd is etcd's server entry point, built from the version kube-apiserver pins.
// etcd's own modules carry replace directives, so `go install` cannot build them; as a
// dependency of this module those directives are ignored and the server builds normally.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
