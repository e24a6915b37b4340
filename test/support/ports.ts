export { freePort } from '../../tools/cluster/free-port';
