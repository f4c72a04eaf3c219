import { describe, expect, it } from "vitest";
import { normalizeHost, resolveTenant, unresolvedTenantStatus, type TenantConfig } from "../src/tenant.js";

const req = (headers: Record<string, string>) => ({ headers });

describe("resolveTenant", () => {
  const hosts: TenantConfig = {
    mode: "host",
    hosts: { "a.example.com": "alpha", "B.Example.com": "beta" },
  };

  it("maps the Host header, ignoring port and case", () => {
    expect(resolveTenant(req({ host: "a.example.com" }), hosts)).toBe("alpha");
    expect(resolveTenant(req({ host: "A.EXAMPLE.COM:8443" }), hosts)).toBe("alpha");
    expect(resolveTenant(req({ host: "b.example.com." }), hosts)).toBe("beta");
  });

  it("does not fall back silently for unknown or missing hosts", () => {
    expect(resolveTenant(req({ host: "evil.example.com" }), hosts)).toBeNull();
    expect(resolveTenant(req({}), hosts)).toBeNull();
    expect(unresolvedTenantStatus(hosts)).toBe(404);
  });

  it("uses an explicitly configured default", () => {
    expect(resolveTenant(req({ host: "other" }), { ...hosts, default: "fallback" })).toBe("fallback");
  });

  it("reads a header in header mode, validating it", () => {
    const config: TenantConfig = { mode: "header", header: "X-Tenant" };
    expect(resolveTenant(req({ "x-tenant": "acme" }), config)).toBe("acme");
    expect(resolveTenant(req({ "x-tenant": "" }), config)).toBeNull();
    expect(resolveTenant(req({ "x-tenant": "a b" }), config)).toBeNull();
    expect(resolveTenant(req({}), config)).toBeNull();
    expect(
      resolveTenant(req({ "x-tenant": "other" }), {
        ...config,
        allowed: ["acme"],
      }),
    ).toBeNull();
    expect(unresolvedTenantStatus(config)).toBe(400);
  });

  it("single mode always yields the configured tenant", () => {
    expect(resolveTenant(req({}), { mode: "single" })).toBe("default");
    expect(resolveTenant(req({ host: "x" }), { mode: "single", tenant: "solo" })).toBe("solo");
  });

  it("normalizes IPv6 hosts", () => {
    expect(normalizeHost("[::1]:3000")).toBe("[::1]");
    expect(normalizeHost("")).toBeNull();
  });
});
