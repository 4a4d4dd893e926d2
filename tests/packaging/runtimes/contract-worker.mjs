// workerd row: the contract over HTTP. POST the context as JSON, get the answers back.
import * as kjb from 'kjb';
import { contract } from './contract.mjs';

export default {
  async fetch(request) {
    return Response.json(await contract(kjb, await request.json()));
  },
};
