// The AWS SDK warns once per process that it will need Node 22 from 2027; Lambda runs nodejs22.x
// and the local machines Node 20 (the version pinned in package.json works on both), so the
// warning would only repeat itself in every jest worker.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
