import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';

// Prints a dev HS256 token: pnpm --filter @agentmint/server token --sub alice --role admin --scope "agents:run agents:read"
const { values } = parseArgs({
  options: {
    sub: { type: 'string', default: 'dev-user' },
    role: { type: 'string' },
    scope: {
      type: 'string',
      default: 'agents:read agents:run sessions:read sessions:write sessions:delete',
    },
    expires: { type: 'string', default: '1h' },
  },
});

const secret = process.env.AGENTMINT_JWT_SECRET;
if (!secret) {
  console.error('Set AGENTMINT_JWT_SECRET (the same value the server uses) to sign a token.');
  process.exit(1);
}
const token = await new SignJWT({ scope: values.scope, ...(values.role && { role: values.role }) })
  .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
  .setSubject(values.sub)
  .setIssuedAt()
  .setExpirationTime(values.expires)
  .sign(new TextEncoder().encode(secret));
console.log(token);
