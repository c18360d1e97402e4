/** The Nova instance of test/fixtures/nova-domain.xml: the values its domain was written with by Nova's own classes. */
export const NOVA_INSTANCE = {
  name: 'web-01 <"prod">',
  flavor: 'm1.small',
  userId: '8d2a0a6c1f6b4c3e9a0e7f1d2c3b4a59',
  userName: 'alice',
  projectId: 'aab0668157c7452eaa3418eb9a292a69',
  projectName: 'demo',
  image: '7298c1b0-f2d4-476c-a2d7-3038f94b4f97',
}
