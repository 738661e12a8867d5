//go:build tools

// Package tools only records the dependency on helm-controller's main package, so go.mod and go.sum
// pin it; tools/toolchain builds it with `go build github.com/fluxcd/helm-controller` from this directory.
package tools

import _ "github.com/fluxcd/helm-controller"
