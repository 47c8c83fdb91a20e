/* test-x-bodies.h — X's error answers as docs/network-behaviour.md quotes
 * them: the classifier's tests read them, and the sandbox's tests check that
 * the emulator answers with the same text. */
#pragma once

#define UNAUTHORIZED_BODY \
  "{\"title\":\"Unauthorized\",\"type\":\"about:blank\",\"status\":401,\"detail\":\"Unauthorized\"}"
#define FORBIDDEN_BODY \
  "{\"title\":\"Forbidden\",\"type\":\"about:blank\",\"status\":403,\"detail\":\"Forbidden\"}"
#define TOO_MANY_BODY \
  "{\"title\":\"Too Many Requests\",\"type\":\"about:blank\",\"status\":429,\"detail\":\"Too Many Requests\"}"
#define RATE_V1_BODY \
  "{\"errors\":[{\"code\":88,\"message\":\"Rate limit exceeded\"}]}"
