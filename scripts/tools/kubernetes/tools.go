//go:build tools

// Package tools pins the Kubernetes control plane the chart tests run against (kube-apiserver,
// kube-controller-manager, kubectl) and the etcd that Kubernetes itself requires, so one module
// graph builds all four: scripts/install-tools.sh --kube runs `go build` on these packages.
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
