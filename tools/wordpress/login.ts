/** Logs in through wp-login.php, as a browser would; resolves to the `Cookie` header value of the session. */
export async function login(baseUrl: string, user: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/wp-login.php`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: 'wordpress_test_cookie=WP%20Cookie%20check' },
    body: new URLSearchParams({ log: user, pwd: password, testcookie: '1', 'wp-submit': 'Log In' }),
  });
  const cookies = response.headers.getSetCookie().map((c) => c.split(';')[0]);
  if (response.status !== 302 || !cookies.some((c) => c?.startsWith('wordpress_logged_in_'))) {
    throw new Error(`login failed: ${response.status}`);
  }
  return cookies.join('; ');
}
